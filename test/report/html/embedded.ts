/** Reads the data a report page embeds (see src/report/html/pageData.ts), as the page itself does. */
import type { CaseDetail, CaseListRow, DetailChunk, PageData } from '../../../src/report/html/types.js';

function scriptJson<T>(html: string, id: string): T {
  const match = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  if (!match) throw new Error(`the page has no <script id="${id}">`);
  return JSON.parse(match[1]!) as T;
}

export interface EmbeddedReport {
  data: PageData;
  cases: CaseListRow[];
  /** Case `index`'s details with the tables of its chunk. */
  detail(index: number): { detail: CaseDetail; chunk: DetailChunk };
}

export function embeddedReport(html: string): EmbeddedReport {
  const data = scriptJson<PageData>(html, 'report-data');
  const chunks = new Map<number, DetailChunk>();
  return {
    data,
    cases: scriptJson<CaseListRow[]>(html, 'report-cases'),
    detail(index) {
      const number = Math.floor(index / data.detailChunk);
      let chunk = chunks.get(number);
      if (!chunk) chunks.set(number, (chunk = scriptJson<DetailChunk>(html, `report-details-${number}`)));
      return { detail: chunk.cases[index % data.detailChunk]!, chunk };
    },
  };
}
