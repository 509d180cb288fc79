// The service's GraphiQL page (GET /). No inline script: the page's
// Content-Security-Policy allows only scripts from this origin.
//
// Nothing typed here outlives the tab: GraphiQL keeps its tabs, queries,
// variables and history in a sessionStorage-backed store (they survive a
// reload, not closing the tab), and that store never keeps the Headers
// editor, where the session token (Authorization: Bearer ...) is pasted.
(function () {
  'use strict';

  // GraphiQL's keys (under its "graphiql:" namespace) whose JSON values
  // hold request headers: the tabs (empty when shouldPersistHeaders is
  // false), and the history and favourites, which GraphiQL 4 stores with
  // each operation's headers whatever shouldPersistHeaders says.
  var withHeaders = ['graphiql:tabState', 'graphiql:queries', 'graphiql:favorites'];
  // The key of the Headers editor itself, written only if headers persist.
  var headersKey = 'graphiql:headers';

  // withoutHeaders returns value, a JSON text, with every member named
  // "headers" set to null (GraphiQL checks that tabs have the member).
  function withoutHeaders(value) {
    var parsed;
    try {
      parsed = JSON.parse(value);
    } catch (e) {
      return value;
    }
    return JSON.stringify(parsed, function (name, v) {
      return name === 'headers' ? null : v;
    });
  }

  // sessionStore is a Storage over window.sessionStorage whose keys carry
  // a prefix, so GraphiQL's "clear storage" removes its own entries only,
  // and which never writes request headers.
  function sessionStore(prefix) {
    var s = window.sessionStorage;
    function keys() {
      var out = [];
      for (var i = 0; i < s.length; i++) {
        var k = s.key(i);
        if (k !== null && k.indexOf(prefix) === 0) {
          out.push(k);
        }
      }
      return out;
    }
    return {
      getItem: function (key) { return s.getItem(prefix + key); },
      setItem: function (key, value) {
        if (key === headersKey) {
          return;
        }
        if (withHeaders.indexOf(key) >= 0) {
          value = withoutHeaders(value);
        }
        s.setItem(prefix + key, value);
      },
      removeItem: function (key) { s.removeItem(prefix + key); },
      key: function (i) {
        var k = keys()[i];
        return k === undefined ? null : k.slice(prefix.length);
      },
      clear: function () { keys().forEach(function (k) { s.removeItem(k); }); },
      get length() { return keys().length; },
    };
  }

  // fetcher posts one operation to this origin's /query with the headers
  // of the Headers editor; no cookie is sent (the API does not use them).
  function fetcher(params, opts) {
    var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    var extra = (opts && opts.headers) || {};
    Object.keys(extra).forEach(function (name) { headers[name] = extra[name]; });
    return fetch('/query', {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(params),
      credentials: 'omit',
    }).then(function (res) {
      return res.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (e) {
          return { errors: [{ message: 'HTTP ' + res.status + ': ' + text }] };
        }
      });
    });
  }

  var defaultQuery = [
    '# Personal access tokens: GraphQL playground.',
    '#',
    '# Paste your session token into Headers below:',
    '#',
    '#   {"Authorization": "Bearer <session token>"}',
    '#',
    '# (in development mode the server prints one',
    '# when it starts), then press Re-fetch GraphQL',
    '# schema (Shift-Ctrl-R) for the documentation.',
    '# Headers are never saved; queries are kept',
    '# only until this browser tab is closed.',
    '# Run the query with Ctrl-Enter.',
    '',
    '{',
    '  organizationPatSettings {',
    '    enabled',
    '    maxLifespanDays',
    '  }',
    '}',
    '',
  ].join('\n');

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
      // GraphiQL would otherwise offer to persist them in its settings.
      showPersistHeadersSettings: false,
      storage: sessionStore('pats-playground:'),
    })
  );
})();
