/** The tab bar: click or arrow keys; a view can be drawn the first time its tab is shown. */
import { data } from './data.js';
import { byId, closest, maybeById } from './dom.js';

const TABS = ['overview', 'matrix', 'cases', 'charts', 'robustness', 'calibration'] as const;
type Tab = (typeof TABS)[number];

const firstShow = new Map<Tab, () => void>();

/** Runs `draw` once, the first time `tab` is shown. */
export function drawOnFirstShow(tab: Tab, draw: () => void): void {
  firstShow.set(tab, draw);
}

export function showTab(name: Tab, focusTab = false): void {
  for (const tab of TABS) {
    const button = maybeById(`tab-${tab}`);
    const panel = maybeById(tab);
    if (!button || !panel) continue;
    const on = tab === name;
    button.setAttribute('aria-selected', on ? 'true' : 'false');
    button.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
    if (on && focusTab) button.focus();
  }
  const draw = firstShow.get(name);
  if (draw) {
    firstShow.delete(name);
    draw();
  }
}

/** Removes the tabs with nothing to show and wires the rest. */
export function setupTabs(): void {
  if (!data.robustness.length) removeTab('robustness');
  if (!data.calibration) removeTab('calibration');
  const nav = byId('tabs');
  nav.addEventListener('click', (event) => {
    const button = closest(event, 'button[role=tab]');
    if (button) showTab(tabOf(button));
  });
  nav.addEventListener('keydown', (event) => {
    const tabs = Array.from(nav.querySelectorAll<HTMLElement>('button[role=tab]'));
    const at = tabs.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    const next = event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : null;
    if (next === null) return;
    event.preventDefault();
    showTab(tabOf(tabs[(next + tabs.length) % tabs.length]!), true);
  });
}

function removeTab(tab: Tab): void {
  byId(`tab-${tab}`).remove();
  byId(tab).remove();
}

/** Tab buttons are `#tab-<name>`. */
function tabOf(button: HTMLElement): Tab {
  const name = button.id.slice('tab-'.length);
  const tab = TABS.find((t) => t === name);
  if (!tab) throw new Error(`unknown tab ${button.id}`);
  return tab;
}
