// The Introspection registry dashboard. Plain JavaScript, no build step, nothing fetched from elsewhere.
// Every value shown is user data (app names, labels, metadata): it is only ever set through textContent or
// attributes, never parsed as HTML, so markup in a label stays text.
'use strict';

(function () {
  const palette = ['#2f6fdb', '#1f9d55', '#e0a100', '#9b4dca', '#d9480f', '#0c8599', '#c2255c', '#5c940d'];
  const state = { ns: null, data: null, fetchedAt: 0, source: null, loading: false, again: false, metadataFor: null };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (key === 'text') node.textContent = value;
        else if (key === 'onclick') node.addEventListener('click', value);
        else node.setAttribute(key, value);
      }
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  function formatAge(seconds) {
    if (seconds === null || seconds === undefined) return 'before node start';
    const s = Math.floor(seconds);
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
    if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
    return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
  }

  function shortRevision(revision) { return revision.length > 12 ? revision.slice(0, 12) : revision; }

  async function getJson(url) {
    const response = await fetch(url, { headers: { 'Accept': 'application/json' }, cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    return body;
  }

  function nsQuery() { return 'ns=' + encodeURIComponent(state.ns); }

  async function loadNamespaces() {
    const body = await getJson('api/namespaces');
    const select = byId('namespace');
    const wanted = new URLSearchParams(location.search).get('ns') || state.ns || 'default';
    select.replaceChildren(...body.namespaces.map(ns => el('option', { value: ns, text: ns })));
    if (!body.namespaces.includes(wanted)) select.append(el('option', { value: wanted, text: wanted }));
    select.value = wanted;
    state.ns = wanted;
  }

  // One state read at a time; changes that arrive meanwhile cause exactly one more read afterwards.
  async function refresh() {
    if (state.loading) { state.again = true; return; }
    state.loading = true;
    try {
      do {
        state.again = false;
        const data = await getJson('api/state?' + nsQuery());
        state.data = data;
        state.fetchedAt = Date.now();
        render();
      } while (state.again);
    } catch (error) {
      showError(error);
    } finally {
      state.loading = false;
    }
  }

  function showError(error) {
    byId('connection').dataset.state = 'reconnecting';
    byId('connection').textContent = 'error: ' + error.message;
  }

  function renderRegistry(registry) {
    byId('reg-store').textContent = registry.store;
    const sp = byId('reg-self-preservation');
    sp.textContent = registry.selfPreservation ? 'ACTIVE: eviction paused' : 'off';
    sp.className = registry.selfPreservation ? 'warn' : 'ok';
    byId('reg-watchers').textContent = String(registry.watchers);
    byId('reg-clients').textContent = String(registry.dashboardClients);
    byId('reg-renewals').textContent = registry.renewalsPerSecond.toFixed(1);
    byId('reg-started').textContent = new Date(registry.startedAt).toLocaleTimeString();
  }

  function revisionColors(app) {
    const colors = new Map();
    app.revisions.forEach((r, i) => colors.set(r.revision, palette[i % palette.length]));
    return colors;
  }

  function rolloutBar(app) {
    const colors = revisionColors(app);
    const bar = el('div', { class: 'bar', title: 'instances per metadata revision' });
    const legend = el('div', { class: 'legend' });
    for (const r of app.revisions) {
      const pct = (100 * r.count / app.instanceCount);
      const part = el('span', { title: r.revision + ': ' + r.count });
      part.style.width = pct + '%';
      part.style.background = colors.get(r.revision);
      bar.append(part);
      const swatch = el('i');
      swatch.style.background = colors.get(r.revision);
      legend.append(el('span', { 'data-revision': r.revision }, swatch,
        el('code', { text: shortRevision(r.revision) }), ' ' + r.count + ' (' + Math.round(pct) + '%)'));
    }
    return el('div', null, bar, legend);
  }

  function renderApps(apps) {
    const body = byId('apps').tBodies[0];
    body.replaceChildren(...apps.map(app => el('tr', { 'data-app': app.name },
      el('td', null, el('a', { href: '#app-' + app.name, text: app.name })),
      el('td', { class: 'count', text: String(app.instanceCount) }),
      el('td', null, rolloutBar(app)))));
    byId('apps-empty').hidden = apps.length > 0;
    const total = apps.reduce((n, a) => n + a.instanceCount, 0);
    byId('app-total').textContent = apps.length + ' apps, ' + total + ' instances';
  }

  function labelsCell(labels) {
    const cell = el('td');
    for (const [key, value] of Object.entries(labels)) {
      cell.append(el('span', { class: 'label', 'data-label': key, text: key + '=' + value }));
    }
    return cell;
  }

  function renderDetails(apps) {
    const container = byId('app-details');
    container.replaceChildren(...apps.map(app => {
      const colors = revisionColors(app);
      const rows = app.instances.map(instance => {
        const revision = el('td', null, el('code', { title: instance.revision, text: shortRevision(instance.revision) }));
        revision.firstChild.style.color = colors.get(instance.revision);
        return el('tr', { 'data-instance': instance.id },
          el('td', { class: 'mono', text: instance.id }),
          el('td', { class: 'mono', text: (instance.host.includes(':') ? '[' + instance.host + ']' : instance.host) + ':' + instance.port }),
          revision,
          labelsCell(instance.labels),
          el('td', { class: 'age', 'data-age': instance.ageSeconds === null ? '' : String(instance.ageSeconds), text: formatAge(instance.ageSeconds) }),
          el('td', null, el('button', { type: 'button', text: 'metadata', onclick: () => showMetadata(app.name, instance.id) })));
      });
      return el('section', { class: 'card', id: 'app-' + app.name, 'data-app-details': app.name },
        el('h2', null, el('span', { text: app.name }), el('span', { class: 'muted', text: ' ' + app.instanceCount + ' instances' })),
        el('table', { class: 'instances' },
          el('thead', null, el('tr', null, ...['instance', 'address', 'revision', 'labels', 'age', ''].map(h => el('th', { text: h })))),
          el('tbody', null, ...rows)));
    }));
  }

  function renderMappings(mappings) {
    const body = byId('mappings').tBodies[0];
    body.replaceChildren(...mappings.map(m => el('tr', { 'data-service': m.service },
      el('td', { class: 'mono', text: m.service }),
      el('td', { text: m.apps.join(', ') }))));
    byId('mappings-empty').hidden = mappings.length > 0;
  }

  function render() {
    const data = state.data;
    if (!data) return;
    byId('revision').textContent = String(data.revision);
    renderRegistry(data.registry);
    renderApps(data.apps);
    renderDetails(data.apps);
    renderMappings(data.mappings);
  }

  // Ages move every second without asking the registry.
  function tickAges() {
    const elapsed = (Date.now() - state.fetchedAt) / 1000;
    for (const cell of document.querySelectorAll('td.age')) {
      if (cell.dataset.age !== '') cell.textContent = formatAge(Number(cell.dataset.age) + elapsed);
    }
  }

  async function showMetadata(app, instance) {
    const card = byId('metadata-card');
    card.hidden = false;
    byId('metadata-title').textContent = app + ' / ' + instance;
    byId('metadata-status').textContent = 'asking the instance...';
    byId('metadata-services').replaceChildren();
    state.metadataFor = app + '/' + instance;
    try {
      const md = await getJson('api/metadata?' + nsQuery() + '&app=' + encodeURIComponent(app) + '&instance=' + encodeURIComponent(instance));
      if (state.metadataFor !== app + '/' + instance) return;
      const status = byId('metadata-status');
      status.textContent = 'revision ' + md.revision + (md.verified ? ' (verified: the content hashes to it)' : ' (NOT verified: the content does not hash to the registered revision)');
      status.className = md.verified ? 'ok' : 'warn';
      byId('metadata-services').replaceChildren(...md.services.map(s => {
        const params = Object.entries(s.params);
        return el('div', { class: 'service', 'data-metadata-service': s.name },
          el('h3', null, el('code', { text: s.name }),
            el('span', { class: 'muted', text: '  ' + [s.protocol, s.group && ('group ' + s.group), s.version && ('version ' + s.version)].filter(Boolean).join(', ') })),
          el('div', null, el('span', { class: 'muted', text: 'methods: ' }), ...s.methods.map(m => el('span', { class: 'label', text: m }))),
          params.length === 0 ? null : el('div', null, el('span', { class: 'muted', text: 'params: ' }),
            ...params.map(([k, v]) => el('span', { class: 'label', text: k + '=' + v }))));
      }));
    } catch (error) {
      byId('metadata-status').textContent = 'could not fetch metadata: ' + error.message;
      byId('metadata-status').className = 'warn';
    }
  }

  function connect() {
    if (state.source) state.source.close();
    const connection = byId('connection');
    const source = new EventSource('api/events?' + nsQuery());
    state.source = source;
    source.addEventListener('open', () => {
      connection.dataset.state = 'live';
      connection.textContent = 'live';
      // Whatever happened while disconnected: read the state once.
      refresh();
    });
    source.addEventListener('change', () => refresh());
    source.addEventListener('stats', event => {
      try { renderRegistry(JSON.parse(event.data)); } catch (e) { /* a torn message: the next one fixes it */ }
    });
    source.addEventListener('error', () => {
      // EventSource reconnects by itself (the server asks for 1 s).
      connection.dataset.state = 'reconnecting';
      connection.textContent = 'reconnecting';
    });
  }

  async function start() {
    try {
      await loadNamespaces();
    } catch (error) {
      state.ns = 'default';
      showError(error);
    }
    byId('namespace').addEventListener('change', event => {
      state.ns = event.target.value;
      const url = new URL(location.href);
      url.searchParams.set('ns', state.ns);
      history.replaceState(null, '', url);
      byId('metadata-card').hidden = true;
      connect();
      refresh();
    });
    connect();
    setInterval(tickAges, 1000);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
