/**
 * The report page's script: bundled by esbuild into one IIFE (see ../clientBundle.ts) that
 * renderHtml.ts inlines and allows by its hash in the CSP. It reads the data embedded in the page
 * and builds every view with DOM calls that insert text only (see dom.ts).
 */
import { renderCalibration } from './calibration.js';
import { drawCases, returnToList, showCell } from './cases.js';
import { renderCharts } from './charts.js';
import { whenLoaded } from './data.js';
import { byId } from './dom.js';
import { renderHeader } from './header.js';
import { renderMatrix } from './matrix.js';
import { renderOverview } from './overview.js';
import { renderRobustness } from './robustness.js';
import { drawOnFirstShow, setupTabs, showTab } from './tabs.js';

renderHeader();
setupTabs();
renderOverview();
renderMatrix((cell) => {
  showTab('cases');
  whenLoaded(() => showCell(cell));
});
renderRobustness();
renderCalibration();
// The cases are read when first needed, once the browser has read them (they follow this script).
drawOnFirstShow('cases', () => whenLoaded(drawCases));
drawOnFirstShow('charts', () => whenLoaded(renderCharts));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !byId('case-detail').hidden) returnToList();
});
showTab('overview');
// The overview is on screen; the benchmark waits for this.
document.documentElement.setAttribute('data-overview', 'true');
// Tests wait for this before they look: every view can be opened.
whenLoaded(() => document.documentElement.setAttribute('data-ready', 'true'));
