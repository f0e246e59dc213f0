/**
 * Word-level diff, shipped into the page as source text (the page has no build step). Outputs are
 * split into words, runs of whitespace and single punctuation marks; the token sequences are diffed
 * with Myers' O(ND) algorithm after trimming the common prefix and suffix. Past MAX_EDITS the two
 * middles are shown as one deletion and one insertion rather than spending seconds on a diff nobody
 * can read. A run of spaces alone between two changes joins them, so a rewritten phrase reads as one
 * deletion and one insertion rather than word-by-word confetti.
 * Result: [op, text] pairs with op '=', '-' (baseline only) or '+' (candidate only).
 */
export const WORD_DIFF_JS = String.raw`
var MAX_EDITS = 1500;
function diffTokens(text) {
  return text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) || [];
}
function myersDiff(a, b) {
  var n = a.length, m = b.length, max = n + m, limit = Math.min(max, MAX_EDITS);
  var size = 2 * limit + 3, offset = limit + 1;
  var v = new Int32Array(size), trace = [], d, k, x, y;
  for (d = 0; d <= limit; d++) {
    trace.push(v.slice());
    for (k = -d; k <= d; k += 2) {
      if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) x = v[offset + k + 1];
      else x = v[offset + k - 1] + 1;
      y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, offset);
    }
  }
  return null;
}
function backtrack(trace, a, b, offset) {
  var x = a.length, y = b.length, ops = [], d, v, k, prevK, prevX, prevY;
  for (d = trace.length - 1; d >= 0; d--) {
    v = trace[d];
    k = x - y;
    if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) prevK = k + 1;
    else prevK = k - 1;
    prevX = d === 0 ? 0 : v[offset + prevK];
    prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) { ops.push(['=', a[x - 1]]); x--; y--; }
    if (d > 0) {
      if (x === prevX) ops.push(['+', b[y - 1]]);
      else ops.push(['-', a[x - 1]]);
    }
    x = prevX; y = prevY;
  }
  return ops.reverse();
}
function pushOp(ops, op, text) {
  if (!text) return;
  var last = ops[ops.length - 1];
  if (last && last[0] === op) last[1] += text;
  else ops.push([op, text]);
}
function wordDiff(before, after) {
  var a = diffTokens(before), b = diffTokens(after), start = 0, endA = a.length, endB = b.length, ops = [], i;
  while (start < endA && start < endB && a[start] === b[start]) start++;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  pushOp(ops, '=', a.slice(0, start).join(''));
  var middle = myersDiff(a.slice(start, endA), b.slice(start, endB));
  if (middle === null) {
    pushOp(ops, '-', a.slice(start, endA).join(''));
    pushOp(ops, '+', b.slice(start, endB).join(''));
  } else {
    for (i = 0; i < middle.length; i++) pushOp(ops, middle[i][0], middle[i][1]);
  }
  pushOp(ops, '=', a.slice(endA).join(''));
  return absorbSpaces(ops);
}
function absorbSpaces(ops) {
  var out = [], del = '', ins = '', i, op;
  function flush() {
    if (del) out.push(['-', del]);
    if (ins) out.push(['+', ins]);
    del = ''; ins = '';
  }
  for (i = 0; i < ops.length; i++) {
    op = ops[i];
    if (op[0] === '-') del += op[1];
    else if (op[0] === '+') ins += op[1];
    else if (i > 0 && i < ops.length - 1 && /^\s+$/.test(op[1])) { del += op[1]; ins += op[1]; }
    else { flush(); out.push(op); }
  }
  flush();
  return out;
}
`;
