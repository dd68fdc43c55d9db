// Small DOM helpers. Every text a resource or a request carries goes in as text, never as markup.

/** h('a', { href: '#x', class: 'id' }, 'text', child, …): an element with attributes and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements. */
export function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A table inside a horizontally scrolling frame; `empty` is shown instead when there are no rows. */
export function table(headers, rows, { empty = 'Nothing here.', caption, className } = {}) {
  if (rows.length === 0) return h('div', { class: 'table-wrap' }, h('p', { class: 'empty' }, empty));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
      h('tbody', {}, rows),
    ),
  );
}

export function tagList(tags) {
  if (!tags || tags.length === 0) return h('span', { class: 'muted' }, '–');
  return h('span', { class: 'tags' }, tags.map((t) => h('span', { class: 'tag' }, t.value === '' ? t.key : `${t.key}: ${t.value}`)));
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind}` }, text);
}

export function formatJson(value) {
  return JSON.stringify(value, null, 2);
}
