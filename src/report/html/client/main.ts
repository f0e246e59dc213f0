/**
 * The report page's script: bundled by esbuild into one IIFE (see ../clientBundle.ts) that
 * renderHtml.ts inlines and allows by its hash in the CSP. It reads the data embedded in the page
 * and builds every view with DOM calls that insert text only (see dom.ts).
 */
import { renderCalibration } from './calibration.js';
import { applyFilters, renderCaseFilters, returnToList, setupCaseTable, showCell } from './cases.js';
import { renderCharts } from './charts.js';
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
  showCell(cell);
});
renderCaseFilters();
setupCaseTable();
renderRobustness();
renderCalibration();
drawOnFirstShow('charts', renderCharts);
applyFilters();
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !byId('case-detail').hidden) returnToList();
});
showTab('overview');
// Tests wait for this before they look.
document.documentElement.setAttribute('data-ready', 'true');
