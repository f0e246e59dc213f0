/**
 * DOM helpers that only ever insert text. Data reaches the page through `textContent` (text nodes)
 * or attribute values, never `innerHTML`; attributes that can load or run something (`on…`, `href`,
 * `src`, `xlink:…`) are refused outright, so no output, prompt or case text can run as code.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

const SVG_NS = 'http://www.w3.org/2000/svg';
const UNSAFE_ATTRIBUTE = /^on|^href$|^src$|^xlink:/i;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, children?: Child): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, children?: Child): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

/** `null`, `undefined` and `false` leave an attribute out; `true` sets it empty. */
function setAttrs(node: Element, attrs?: Attrs | null): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (UNSAFE_ATTRIBUTE.test(name)) throw new Error(`refusing attribute ${name}`);
    node.setAttribute(name, value === true ? '' : String(value));
  }
}

/** Appends nodes as they are and everything else as text; arrays are flattened. */
export function append(node: Node, children?: Child): void {
  if (children === null || children === undefined || children === false) return;
  if (Array.isArray(children)) {
    for (const child of children as readonly Child[]) append(node, child);
    return;
  }
  node.appendChild(typeof children === 'object' ? (children as Node) : document.createTextNode(String(children)));
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** An element of the page skeleton (renderHtml.ts), of the expected kind. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, kind?: abstract new () => T): T {
  const node = document.getElementById(id);
  if (!node || !(node instanceof (kind ?? HTMLElement))) throw new Error(`the page has no ${kind?.name ?? 'element'} #${id}`);
  return node as T;
}

/** An element that a view may have removed (an empty tab). */
export function maybeById(id: string): HTMLElement | null {
  return document.getElementById(id);
}

/** The nearest element matching `selector` at or above the event's target. */
export function closest<T extends Element = HTMLElement>(event: Event, selector: string): T | null {
  return event.target instanceof Element ? event.target.closest<T>(selector) : null;
}
