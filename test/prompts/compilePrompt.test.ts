import { describe, expect, it } from 'vitest';
import { compilePrompt } from '../../src/prompts/index.js';
import { thrownInputError } from '../helpers/thrown.js';
import { template, TEMPLATE_FILE as FILE } from '../helpers/templates.js';

describe('compilePrompt: rendering', () => {
  it('renders the body and the system text with the same vars, without HTML escaping', () => {
    const compiled = compilePrompt(template('Ticket: {{ticket}}', 'system: You help {{product}} users.'));
    expect(compiled.render({ ticket: '<b>"broken" & stuck</b>', product: 'Acme' }, 'c1')).toEqual({
      system: 'You help Acme users.',
      messages: [{ role: 'user', content: 'Ticket: <b>"broken" & stuck</b>' }],
      user: 'Ticket: <b>"broken" & stuck</b>',
    });
  });

  it('compiles once and renders many cases', () => {
    const compiled = compilePrompt(template('{{#each items}}- {{name}}\n{{/each}}{{#if urgent}}URGENT{{/if}}'));
    expect(compiled.render({ items: [{ name: 'a' }, { name: 'b' }], urgent: true }, 'c1').user).toBe('- a\n- b\nURGENT');
    expect(compiled.render({ items: [], urgent: false }, 'c2').user).toBe('');
  });

  it('names the variable, the case, the file, its line and what is available when a variable is missing', () => {
    const compiled = compilePrompt(template('Customer: {{customer}}\nTicket:\n{{ticket}}'));
    const error = thrownInputError(() => compiled.render({ product: 'x', customer: 'Ann' }, 'ticket-017'));
    expect(error.message.split('\n')[0]).toBe(
      `${FILE}:8: variable "ticket" is missing for case ticket-017 (available: product, customer)`,
    );
    expect(error.hint).toContain('string?');
  });

  it('treats {{#if x}}, {{#each x}} and helper arguments on a missing variable as missing too', () => {
    const bodies = ['{{#if urgnet}}!{{/if}}', '{{#each itmes}}{{this}}{{/each}}', '{{json payload}}', '{{#if ok}}{{else}}{{hint}}{{/if}}'];
    for (const body of bodies) {
      const compiled = compilePrompt(template(body));
      const error = thrownInputError(() => compiled.render({ ok: true }, 'c9'));
      expect(error.message).toMatch(/variable "(urgnet|itmes|payload|hint)" is missing for case c9/);
    }
  });

  it('lets a case leave out a variable declared optional with "?"', () => {
    const compiled = compilePrompt(template('A{{#if note}} ({{note}}){{/if}} [{{note}}]', 'variables:\n  note: string?'));
    expect(compiled.render({}, 'c1').user).toBe('A []');
    expect(compiled.render({ note: 'hi' }, 'c2').user).toBe('A (hi) [hi]');
  });

  it('does not mistake helpers, @data, this, ../ and block params for missing variables', () => {
    const body = '{{#each items as |item|}}{{@index}}:{{item}}:{{this}}:{{../title}}:{{@root.title}};{{/each}}{{json title indent=0}}';
    const compiled = compilePrompt(template(body));
    expect(compiled.render({ items: ['a'], title: 'T' }, 'c1').user).toBe('0:a:a:T:T;"T"');
  });

  it('names the full path of a missing nested property and what the value has', () => {
    const compiled = compilePrompt(template('line\n{{customer.name}}'));
    const error = thrownInputError(() => compiled.render({ customer: { nmae: 'Ann' } }, 'c3'));
    expect(error.message.split('\n')[0]).toBe(
      `${FILE}:7: variable "customer.name" is missing for case c3: customer has no "name" (did you mean "nmae"?) (available: nmae)`,
    );
  });

  it('refuses to send an object as the text "[object Object]", naming the variable, the case and the line', () => {
    const printed = thrownInputError(() => compilePrompt(template('Hello\nCustomer: {{customer}}')).render({ customer: { name: 'Ann' } }, 'c1'));
    expect(printed.message.split('\n')[0]).toBe(`${FILE}:7: variable "customer" is an object and would be sent as the text "[object Object]" for case c1`);
    expect(printed.hint).toBe('print it as JSON with {{json customer}}, or print its fields one by one');
    const inList = thrownInputError(() => compilePrompt(template('{{#each items}}- {{this}}\n{{/each}}')).render({ items: [{ sku: 'a' }] }, 'c2'));
    expect(inList.message.split('\n')[0]).toBe(`${FILE}:6: variable "items.0" is an object and would be sent as the text "[object Object]" for case c2`);
    const inSystem = thrownInputError(() => compilePrompt(template('x', 'system: About {{customer.address}}')).render({ customer: { address: { city: 'Oslo' } } }, 'c3'));
    expect(inSystem.message.split('\n')[0]).toBe(`${FILE}:5: variable "customer.address" is an object and would be sent as the text "[object Object]" for case c3`);
  });

  it('sends "[object Object]" that the case data itself holds, and objects printed as JSON', () => {
    const compiled = compilePrompt(template('{{note}} {{json customer indent=0}} {{tags}}'));
    expect(compiled.render({ note: 'the API said [object Object]', customer: { name: 'Ann' }, tags: ['a', 'b'] }, 'c1').user).toBe('the API said [object Object] {"name":"Ann"} a,b');
  });

  it('checks declared variable types before rendering', () => {
    const compiled = compilePrompt(template('{{count}} {{tags}}', 'variables:\n  count: number\n  tags: array\n  meta: any?'));
    expect(compiled.render({ count: 3, tags: ['x'] }, 'c1').user).toBe('3 x');
    const error = thrownInputError(() => compiled.render({ count: '3', tags: ['x'] }, 'ticket-017'));
    expect(error.message.split('\n')[0]).toBe(
      `${FILE}:6: variables.count: variable "count" must be a number (declared type), got string in case ticket-017`,
    );
    const missing = thrownInputError(() => compilePrompt(template('x', 'variables:\n  count: number')).render({}, 'c2'));
    expect(missing.message).toContain(`${FILE}:6: variable "count" is missing for case c2`);
    const flow = thrownInputError(() => compilePrompt(template('{{a}}', 'variables: { a: string, b: number }')).render({ a: 'x', b: 'y' }, 'c3'));
    expect(flow.location).toEqual({ file: FILE, line: 5, field: 'variables.b' });
  });
});

describe('compilePrompt: the variables a template renders', () => {
  it('lists the root variables of the body and the system text once, in order of first use', () => {
    const compiled = compilePrompt(template('{{#if urgent}}URGENT {{/if}}{{ticket}} {{#each items}}{{name}} {{../ticket}}{{/each}} {{customer.name}}', 'system: You help {{product}} users with {{ticket}}.'));
    expect(compiled.variables).toEqual({ names: ['urgent', 'ticket', 'items', 'customer', 'product'], everything: false });
  });

  it('follows partials, and marks a template that hands its whole context on as rendering everything', () => {
    expect(compilePrompt(template('{{> footer}}'), { partials: { footer: 'Bye {{name}}' } }).variables).toEqual({ names: ['name'], everything: false });
    for (const body of ['{{json this}}', '{{#each this}}{{@key}}{{/each}}', '{{> footer .}}', '{{json @root}}']) {
      expect(compilePrompt(template(body), { partials: { footer: 'x' } }).variables.everything).toBe(true);
    }
    expect(compilePrompt(template('{{#each items}}{{this}}{{/each}}')).variables).toEqual({ names: ['items'], everything: false });
  });
});

describe('compilePrompt: template errors', () => {
  it('reports a syntax error at its line in the file', () => {
    const error = thrownInputError(() => compilePrompt(template('Hello\n{{name}}\n{{#if x}}open')));
    expect(error.message.split('\n')[0]).toMatch(new RegExp(`^${FILE.replace(/\./g, '\\.')}:8: template syntax error`));
    const unclosed = thrownInputError(() => compilePrompt(template('ok\nok\n{{name')));
    expect(unclosed.message.split('\n')[0]).toMatch(/^prompts\/triage\.v2\.hbs:8: template syntax error: Expecting/);
    const mismatched = thrownInputError(() => compilePrompt(template('a\n{{#if x}}\n{{/each}}')));
    expect(mismatched.message).toMatch(/^prompts\/triage\.v2\.hbs:7: template syntax error: if doesn't match each/);
  });

  it('reports a syntax error in the system text at its line', () => {
    const error = thrownInputError(() => compilePrompt(template('body', 'system: |\n  line one\n  {{oops')));
    expect(error.message).toMatch(/^prompts\/triage\.v2\.hbs:7: system text syntax error/);
  });

  it('names an unknown partial and the available ones', () => {
    const error = thrownInputError(() => compilePrompt(template('a\n{{> footr}}'), { partials: { footer: 'bye', header: 'hi' } }));
    expect(error.message.split('\n')[0]).toBe(`${FILE}:7: unknown partial "footr" (available: footer, header)`);
  });

  it('names an unknown helper', () => {
    const error = thrownInputError(() => compilePrompt(template('{{jsn x}}')));
    expect(error.message).toMatch(/^prompts\/triage\.v2\.hbs:6: unknown helper "jsn" \(available: each, if, indent, join, json,/);
  });

  it('wraps a helper misuse with the case and file', () => {
    const compiled = compilePrompt(template('{{join list}}'));
    const error = thrownInputError(() => compiled.render({ list: 'not a list' }, 'c5'));
    expect(error.message).toBe(`${FILE}:6: helper "join" failed for case c5: expected a list, got string`);
  });

  it('names the line of the helper call that failed, in the body, a block, a sub-expression or the system text', () => {
    const body = 'Ticket:\n{{truncate ticket 5}}\n{{#each items}}\n  {{indent this 2}}\n{{/each}}';
    const compiled = compilePrompt(template(body, 'system: "Tags: {{join tags}}"'));
    const vars = { ticket: 'text', items: ['a'], tags: ['t'] };
    const lineOf = (overrides: Record<string, unknown>): string => thrownInputError(() => compiled.render({ ...vars, ...overrides }, 'c6')).message.split(':').slice(0, 3).join(':');
    expect(lineOf({ ticket: { id: 1 } })).toBe(`${FILE}:8: helper "truncate" failed for case c6`);
    expect(lineOf({ items: [['a', 'b']] })).toBe(`${FILE}:10: helper "indent" failed for case c6`);
    expect(lineOf({ tags: 'x' })).toBe(`${FILE}:5: helper "join" failed for case c6`);
    const subexpression = thrownInputError(() => compilePrompt(template('\n{{json (truncate t 2) indent="x"}}')).render({ t: 'abc' }, 'c6'));
    expect(subexpression.message).toBe(`${FILE}:7: helper "json" failed for case c6: indent must be a whole number ≥ 0, got "x"`);
    const rerendered = thrownInputError(() => compilePrompt(template('{{word.length}}\n{{join list}}')).render({ word: 'abc', list: 'x' }, 'c6'));
    expect(rerendered.message).toBe(`${FILE}:7: helper "join" failed for case c6: expected a list, got string`);
    const turn = thrownInputError(() => compilePrompt(template('{{#user}}hi{{/user}}\n{{#assistant cache="2h"}}ok{{/assistant}}')).render({}, 'c6'));
    expect(turn.message).toBe(`${FILE}:7: helper "assistant" failed for case c6: cache must be "5m" or "1h", got "2h"`);
  });

  it('names the partial and its line for a helper that failed inside a partial', () => {
    const compiled = compilePrompt(template('\n\n{{> data}}'), { partials: { data: 'List:\n{{join list}}' } });
    const error = thrownInputError(() => compiled.render({ list: 'x' }, 'c7'));
    expect(error.message).toBe(`${FILE}: helper "join" failed for case c7 (in partial "data", its line 2): expected a list, got string`);
  });

  it('names no line when the same call sits at the same place in the template and in a partial', () => {
    const compiled = compilePrompt(template('{{join list}}{{> data}}'), { partials: { data: '{{join list}}' } });
    const error = thrownInputError(() => compiled.render({ list: 'x' }, 'c8'));
    expect(error.message).toBe(`${FILE}: helper "join" failed for case c8: expected a list, got string`);
  });
});

describe('compilePrompt: helpers no source names are left out of rendering', () => {
  it('still runs the helpers Handlebars calls on its own: a block over a list (each) and unless (if)', () => {
    const compiled = compilePrompt(template('{{#items}}- {{name}}\n{{/items}}{{#unless urgent}}calm{{/unless}}'));
    expect(compiled.render({ items: [{ name: 'a' }, { name: 'b' }], urgent: false }, 'c1').user).toBe('- a\n- b\ncalm');
    expect(compiled.render({ items: [], urgent: true }, 'c2').user).toBe('');
  });

  it('keeps a helper named only in a partial or in the system text, and every built-in a template names', () => {
    const partials = { data: '{{json record indent=0}}' };
    const compiled = compilePrompt(
      template('{{> data}}|{{lookup names 1}}|{{#with who}}{{name}}{{/with}}|{{log "seen" level="debug"}}', 'system: "Tags: {{join tags}}"'),
      { partials },
    );
    expect(compiled.render({ record: { a: 1 }, names: ['x', 'y'], who: { name: 'z' }, tags: ['p', 'q'] }, 'c1')).toMatchObject({
      system: 'Tags: p, q',
      user: '{"a":1}|y|z|',
    });
  });

  it('renders a variable that shares a helper name as the helper, as Handlebars always did', () => {
    const compiled = compilePrompt(template('{{#if json}}yes{{/if}} {{join}}'));
    expect(() => compiled.render({ json: true, join: 'text' }, 'c1')).toThrowError(/helper "join" failed for case c1/);
  });
});

describe('compilePrompt: partials', () => {
  it('renders partials in the current context and checks the variables they read', () => {
    const partials = { header: 'Product: {{product}}', item: '* {{name}}' };
    const compiled = compilePrompt(template('Head: {{> header}}\n{{#each items}}{{> item}};{{/each}}'), { partials });
    expect(compiled.render({ product: 'Acme', items: [{ name: 'a' }] }, 'c1').user).toBe('Head: Product: Acme\n* a;');
    const error = thrownInputError(() => compiled.render({ items: [] }, 'c2'));
    expect(error.message.split('\n')[0]).toBe(`${FILE}:6: variable "product" is missing for case c2 (available: items)`);
  });

  it('uses partials attached to the template when none are passed', () => {
    const withPartials = { ...template('{{> sig}}'), partials: { sig: '-- {{who}}' } };
    expect(compilePrompt(withPartials).render({ who: 'me' }, 'c1').user).toBe('-- me');
  });

  it('reports a syntax error inside a partial by name', () => {
    const error = thrownInputError(() => compilePrompt(template('{{> bad}}'), { partials: { bad: 'x\n{{#if}}' } }));
    expect(error.message).toMatch(/^prompts\/triage\.v2\.hbs: partial "bad" syntax error on its line 2/);
  });
});

describe('helpers', () => {
  const render = (body: string, vars: Record<string, unknown>): string => compilePrompt(template(body)).render(vars, 'c').user!;

  it('json: pretty by default, compact with indent=0', () => {
    expect(render('{{json x}}', { x: { a: [1, 2] } })).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(render('{{json x indent=0}}', { x: { a: [1, 2] } })).toBe('{"a":[1,2]}');
  });

  it('truncate: by code points, with an ellipsis only when cut', () => {
    expect(render('{{truncate t 3}}', { t: '😀😀😀😀' })).toBe('😀😀😀…');
    expect(render('{{truncate t 10}}', { t: 'short' })).toBe('short');
  });

  it('join: with a given separator or ", "', () => {
    expect(render('{{join l " | "}}', { l: ['a', 'b', 3] })).toBe('a | b | 3');
    expect(render('{{join l}}', { l: ['a', { k: 1 }] })).toBe('a, {"k":1}');
  });

  it('indent: every non-empty line', () => {
    expect(render('{{indent t 4}}', { t: 'a\n\nb' })).toBe('    a\n\n    b');
  });

  it('truncate and indent: numbers and booleans as text, null and undefined as nothing', () => {
    expect(render('{{truncate n 3}}|{{truncate b 2}}|{{truncate z 2}}', { n: 12345, b: true, z: null })).toBe('123…|tr…|');
    expect(render('{{indent n 2}}|{{indent b 1}}|{{indent z 2}}', { n: 7, b: false, z: null })).toBe('  7| false|');
  });

  it('truncate and indent refuse an object or a list instead of sending "[object Object]" or "a,b"', () => {
    const cases: Array<[string, unknown, string]> = [
      ['{{truncate v 20}}', { a: 1 }, 'truncate'],
      ['{{truncate v 20}}', ['a', 'b'], 'truncate'],
      ['{{indent v 2}}', { a: 1 }, 'indent'],
      ['{{indent v 2}}', ['a', 'b'], 'indent'],
    ];
    for (const [body, value, helper] of cases) {
      const error = thrownInputError(() => compilePrompt(template(body)).render({ v: value }, 'c4'));
      const got = Array.isArray(value) ? 'a list' : 'an object';
      expect(error.message).toContain(`helper "${helper}" failed for case c4: expected text, a number or a boolean, got ${got}`);
      expect(error.message).toContain('use {{json value}} to write it as JSON');
      expect(error.exitCode).toBe(2);
    }
  });
});

describe('content hash and partials', () => {
  it('a template that uses a partial changes its hash when the partial changes', async () => {
    const { parsePromptFile } = await import('../../src/prompts/parsePromptFile.js');
    const { compilePrompt } = await import('../../src/prompts/compilePrompt.js');
    const template = parsePromptFile('---\nid: p\nversion: v1\nmax_tokens: 10\n---\nHello {{> footer}}\n', '/tmp/p.hbs');
    const a = compilePrompt(template, { partials: { footer: 'Regards' } });
    const b = compilePrompt(template, { partials: { footer: 'Best regards' } });
    const unused = compilePrompt(parsePromptFile('---\nid: p\nversion: v1\nmax_tokens: 10\n---\nHello\n', '/tmp/p.hbs'), { partials: { footer: 'x' } });
    expect(a.template.hash).not.toBe(b.template.hash);
    expect(a.template.hash).not.toBe(template.hash);
    expect(unused.template.hash).toBe(parsePromptFile('---\nid: p\nversion: v1\nmax_tokens: 10\n---\nHello\n', '/tmp/p.hbs').hash);
  });
});
