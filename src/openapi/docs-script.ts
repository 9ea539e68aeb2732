/**
 * The reference page's script, served by us as /api/docs/docs.js so the page works offline and
 * its CSP allows no inline script. Plain ES2020 in a string (no bundler step: the same module
 * loads in tsx, vitest, esbuild and wrangler). Everything from the document is written with
 * textContent, never as markup, so a description cannot inject into the page.
 */
export const DOCS_JS = String.raw`'use strict';
(function () {
  var TOKEN_KEY = 'zapie.docs.token';
  var app = document.getElementById('app');
  var tokenInput = document.getElementById('token');
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
  tokenInput.addEventListener('input', function () { sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()); });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function pretty(v) { return JSON.stringify(v, null, 2); }
  function resolve(doc, schema) {
    if (schema && schema.$ref) return doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] || schema;
    return schema;
  }
  function schemaBlock(doc, schema) {
    var d = el('details', { class: 'schema' }, [el('summary', { text: 'schema' }), el('pre', { text: pretty(resolve(doc, schema)) })]);
    return d;
  }

  function operation(doc, path, method, op) {
    var card = el('details', { class: 'op', id: op.operationId });
    card.appendChild(el('summary', {}, [
      el('span', { class: 'method m-' + method, text: method.toUpperCase() }),
      el('code', { class: 'path', text: path }),
      el('span', { class: 'summary', text: op.summary || '' }),
      op.security && op.security.length === 0 ? el('span', { class: 'badge', text: 'no token' }) : null,
    ]));
    if (op.description) card.appendChild(el('p', { text: op.description }));
    var inputs = {};
    var params = op.parameters || [];
    if (params.length) {
      var table = el('table', {}, [el('tr', {}, [el('th', { text: 'parameter' }), el('th', { text: 'in' }), el('th', { text: 'schema' }), el('th', { text: 'value' })])]);
      params.forEach(function (p) {
        var input = el('input', { placeholder: p.required ? 'required' : 'optional', 'aria-label': p.name });
        inputs[p.in + ':' + p.name] = input;
        table.appendChild(el('tr', {}, [el('td', { text: p.name }), el('td', { text: p.in }), el('td', {}, [el('code', { text: JSON.stringify(p.schema) })]), el('td', {}, [input])]));
      });
      card.appendChild(table);
    }
    var body = null;
    var json = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
    if (json) {
      card.appendChild(el('h4', { text: 'Request body (application/json)' }));
      card.appendChild(schemaBlock(doc, json.schema));
      body = el('textarea', { rows: '6', 'aria-label': 'request body', placeholder: '{ }' });
      card.appendChild(body);
    }
    card.appendChild(el('h4', { text: 'Responses' }));
    Object.keys(op.responses || {}).forEach(function (status) {
      var r = op.responses[status];
      var types = Object.keys(r.content || {});
      var row = el('div', { class: 'response' }, [el('strong', { text: status + ' ' }), el('span', { text: (r.description || '') + (types.length ? ' \u2014 ' + types.join(', ') : '') })]);
      var c = r.content && r.content['application/json'];
      if (c && c.schema) row.appendChild(schemaBlock(doc, c.schema));
      card.appendChild(row);
    });
    var out = el('pre', { class: 'result' });
    var send = el('button', { type: 'button', text: 'Send request' });
    send.addEventListener('click', function () {
      var url = path.replace(/\{([^}]+)\}/g, function (_, name) { return encodeURIComponent((inputs['path:' + name] || {}).value || ''); });
      var query = new URLSearchParams();
      var headers = {};
      params.forEach(function (p) {
        var v = inputs[p.in + ':' + p.name].value;
        if (!v) return;
        if (p.in === 'query') query.set(p.name, v);
        if (p.in === 'header') headers[p.name] = v;
      });
      if (query.toString()) url += '?' + query.toString();
      var token = tokenInput.value.trim();
      if (token) headers.authorization = 'Bearer ' + token;
      var init = { method: method.toUpperCase(), headers: headers };
      if (body && body.value.trim()) { init.body = body.value; headers['content-type'] = 'application/json'; }
      out.textContent = 'Sending ' + init.method + ' ' + url + ' \u2026';
      fetch(url, init).then(function (res) {
        var type = res.headers.get('content-type') || '';
        if (type.indexOf('text/event-stream') >= 0) { res.body && res.body.cancel(); return res.status + ' ' + type + ' (a stream: use EventSource)'; }
        return res.text().then(function (text) {
          try { text = pretty(JSON.parse(text)); } catch (e) { /* not JSON */ }
          return res.status + ' ' + res.statusText + '\n' + text;
        });
      }).then(function (text) { out.textContent = text; }, function (err) { out.textContent = String(err); });
    });
    card.appendChild(send);
    card.appendChild(out);
    return card;
  }

  function render(doc) {
    app.textContent = '';
    document.title = doc.info.title + ' ' + doc.info.version;
    app.appendChild(el('h1', { text: doc.info.title + ' ' + doc.info.version }));
    app.appendChild(el('p', { text: doc.info.description || '' }));
    app.appendChild(el('p', {}, [el('a', { href: '/api/openapi.json', text: 'OpenAPI 3.1 document (JSON)' })]));
    var byTag = {};
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || 'other';
        (byTag[tag] = byTag[tag] || []).push(operation(doc, path, method, op));
      });
    });
    Object.keys(byTag).sort().forEach(function (tag) {
      app.appendChild(el('h2', { text: tag }));
      byTag[tag].forEach(function (card) { app.appendChild(card); });
    });
    var events = doc['x-events'] || {};
    app.appendChild(el('h2', { text: 'events (GET /api/events)' }));
    Object.keys(events).forEach(function (name) {
      app.appendChild(el('details', { class: 'op' }, [el('summary', {}, [el('code', { class: 'path', text: name })]), el('pre', { text: pretty(resolve(doc, events[name])) })]));
    });
  }

  fetch('/api/openapi.json').then(function (res) {
    if (!res.ok) throw new Error('GET /api/openapi.json answered ' + res.status);
    return res.json();
  }).then(render, function (err) { app.textContent = String(err); });
})();
`
