// The fleet dashboard: plain JS over the inventory's API, kept current by server-sent events from /api/v1/live.
'use strict';
const STATES = ['PENDING', 'PLANNED', 'AWAITING_APPROVAL', 'AWAITING_ROLLOUT', 'REJECTED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'BLOCKED',
  'HANDED_OFF', 'OFFBOARDING', 'OFFBOARDED', 'OFFBOARD_FAILED'];
const ROUTES = ['ARC_K8S', 'COMPANION_VM', 'IOT_OPERATIONS', 'DIRECT_AGENT', 'BLOCKED', 'UNDECIDED'];
const PAGE_SIZE = 25;
const view = { page: 0, total: 0 };

// $ and el come from common.js
const stateBadge = (s) => el('span', { class: 'state', style: `background: var(--${s}, #667085)` }, s);
const nodeLink = (id) => el('a', { href: '/node.html?id=' + encodeURIComponent(id), class: 'node-link' }, id);
const when = (t) => (t ? new Date(t).toLocaleTimeString() : '');

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(url + ' answered ' + r.status);
  return r.json();
}

async function loadSummary() {
  const s = await getJson('/api/v1/fleet/summary');
  $('#total').textContent = s.total;
  const chart = $('#summary-chart');
  chart.replaceChildren();
  const max = Math.max(1, ...Object.values(s.byRoute));
  const routes = [...ROUTES.filter((r) => r in s.byRoute), ...Object.keys(s.byRoute).filter((r) => !ROUTES.includes(r))];
  for (const route of routes) {
    const bar = el('div', { class: 'bar', style: `width: ${(100 * s.byRoute[route]) / max}%` });
    for (const state of STATES) {
      const n = (s.byRouteAndState[route] || {})[state];
      if (n) {
        bar.append(el('div', { class: 'seg', 'data-state': state, title: `${route} ${state}: ${n}`,
          style: `width: ${(100 * n) / s.byRoute[route]}%; background: var(--${state})` }));
      }
    }
    chart.append(el('div', { class: 'row', 'data-route': route },
      el('a', { href: '#nodes', 'data-filter-route': route }, route), el('div', {}, bar),
      el('span', { class: 'count', 'data-count': route }, s.byRoute[route])));
  }
  chart.querySelectorAll('[data-filter-route]').forEach((a) => a.addEventListener('click', () => {
    $('#filter-route').value = a.dataset.filterRoute; view.page = 0; loadNodes();
  }));
  $('#legend').replaceChildren(...STATES.map((st) =>
    el('span', {}, el('i', { style: `background: var(--${st})` }), `${st} ${s.byState[st] || 0}`)));
}

async function loadBreakdown() {
  const by = $('#breakdown-by').value;
  const b = await getJson('/api/v1/fleet/breakdown?by=' + encodeURIComponent(by));
  const present = STATES.filter((st) => Object.values(b.counts).some((m) => m[st]));
  $('#breakdown thead').replaceChildren(el('tr', {}, el('th', {}, by), el('th', {}, 'nodes'), ...present.map((st) => el('th', {}, st))));
  $('#breakdown tbody').replaceChildren(...Object.entries(b.counts).map(([key, m]) => el('tr', { 'data-key': key },
    el('td', {}, key), el('td', { class: 'num' }, Object.values(m).reduce((a, n) => a + n, 0)),
    ...present.map((st) => el('td', { class: 'num' }, m[st] || '')))));
}

async function loadAttention() {
  const a = await getJson('/api/v1/executions/attention?limit=50');
  const list = $('#attention');
  if (!a.items.length) {
    list.replaceChildren(el('li', { class: 'none', style: 'border-color: var(--SUCCEEDED); background: #f3fbf6' }, 'Nothing failed or retrying.'));
    return;
  }
  list.replaceChildren(...a.items.map((p) => el('li', { class: p.state === 'FAILED' ? 'FAILED' : 'RETRYING', 'data-plan': p.planId },
    el('strong', {}, `${p.state === 'FAILED' ? 'FAILED' : 'RETRYING'} ${p.route} ${p.targetId || ''}`),
    ` · ${p.nodes} node(s) · step ${p.step || '-'} · ${when(p.updatedAt)}`, el('br'),
    p.detail || '(no reason given)', ' ', p.sampleNodeId ? nodeLink(p.sampleNodeId) : '')));
}

// Read-only: approving is an operator's command against the planner, shown here to copy.
async function loadApprovals() {
  const a = await getJson('/api/v1/fleet/approvals?limit=50');
  const list = $('#approvals');
  $('#approvals-count').textContent = a.count;
  if (!a.plans.length) {
    list.replaceChildren(el('li', { class: 'none', style: 'border-color: var(--SUCCEEDED); background: #f3fbf6' }, 'No plan awaits approval.'));
    return;
  }
  list.replaceChildren(...a.plans.map((p) => el('li', { class: 'AWAITING_APPROVAL', 'data-plan': p.planId },
    el('strong', {}, `${p.route || ''} ${p.targetId || ''}`), ` · ${p.nodes} node(s) · since ${when(p.since)}`, el('br'),
    p.detail || '', el('br'), el('code', {}, `bin/fleet-local approve ${p.planId}`))));
}

// Read-only too: resuming or aborting a rollout is an operator's command against the planner.
async function loadRollouts() {
  const r = await getJson('/api/v1/dashboard/rollouts?limit=20');
  const list = $('#rollouts');
  if (!r.rollouts.length) {
    list.replaceChildren(el('li', { class: 'none' }, 'No rollout yet.'));
    return;
  }
  list.replaceChildren(...r.rollouts.map((ro) => {
    const c = ro.current;
    const counts = c ? ` · batch ${ro.currentBatch} of ${ro.batchCount}: ${c.released}/${c.plans} released, `
      + `${c.succeeded} succeeded, ${c.failed} failed, ${c.timedOut} timed out (threshold ${c.threshold}%)`
      : ` · batch 0 of ${ro.batchCount}: waiting for held plans`;
    const failures = c ? c.failures.map((f) => el('div', { class: 'muted', 'data-plan': f.planId },
      `${f.outcome} ${f.planId}: ${f.reason || '(no reason given)'}`)) : [];
    const commands = [ro.resumeCommand, ro.abortCommand].filter((x) => x).map((x) => el('div', {}, el('code', {}, x)));
    return el('li', { class: 'rollout ' + ro.state, 'data-rollout': ro.rolloutId },
      el('strong', {}, `${ro.name || ro.rolloutId} `), stateBadge(ro.state), counts, ` · ${when(ro.updatedAt)}`,
      ro.reason ? el('div', {}, ro.reason) : '', ...failures, ...commands);
  }));
}

async function loadNodes() {
  const q = new URLSearchParams({ page: view.page, size: PAGE_SIZE });
  const text = $('#search').value.trim();
  if (text) q.set('q', text);
  if ($('#filter-route').value) q.set('route', $('#filter-route').value);
  if ($('#filter-state').value) q.set('state', $('#filter-state').value);
  const p = await getJson('/api/v1/nodes?' + q);
  view.total = p.total;
  $('#node-table tbody').replaceChildren(...p.items.map((n) => el('tr', { 'data-node-id': n.nodeId },
    el('td', {}, nodeLink(n.nodeId)), el('td', {}, n.site), el('td', {}, `${n.os.family} (${n.os.mutability})`),
    el('td', {}, n.cluster ? n.cluster.id : ''), el('td', {}, n.onboarding.route || 'UNDECIDED'),
    el('td', { 'data-state': n.onboarding.state }, stateBadge(n.onboarding.state)), el('td', {}, when(n.onboarding.updatedAt)))));
  const pages = Math.max(1, Math.ceil(p.total / PAGE_SIZE));
  $('#page-info').textContent = `page ${view.page + 1} of ${pages} · ${p.total} nodes`;
  $('#prev').disabled = view.page === 0;
  $('#next').disabled = view.page + 1 >= pages;
}

function refreshAll() {
  return Promise.all([loadSummary(), loadBreakdown(), loadAttention(), loadApprovals(), loadRollouts(), loadNodes()])
    .catch((e) => console.error(e));
}

let refreshTimer = null;
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => { refreshTimer = null; refreshAll(); }, 400);
}

function connectLive() {
  const source = new EventSource('/api/v1/live');
  const badge = $('#live-status');
  source.onopen = () => { badge.textContent = 'live'; badge.classList.add('live'); refreshSoon(); };
  source.onerror = () => { badge.textContent = 'reconnecting'; badge.classList.remove('live'); };
  source.onmessage = (m) => {
    const e = JSON.parse(m.data);
    const feed = $('#live-feed');
    feed.prepend(el('li', { 'data-node-id': e.nodeId || '' }, `${when(e.occurredAt)} ${e.type} `,
      e.nodeId ? nodeLink(e.nodeId) : (e.planId || ''), e.route ? ` ${e.route}` : '', e.step ? ` ${e.step}` : '',
      e.detail ? ` · ${e.detail}` : ''));
    while (feed.children.length > 200) feed.lastChild.remove();
    refreshSoon();
  };
}

for (const st of STATES) $('#filter-state').append(el('option', { value: st }, st));
for (const r of ROUTES) $('#filter-route').append(el('option', { value: r }, r));
let searchTimer = null;
$('#search').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => { view.page = 0; loadNodes(); }, 250); });
$('#filter-route').addEventListener('change', () => { view.page = 0; loadNodes(); });
$('#filter-state').addEventListener('change', () => { view.page = 0; loadNodes(); });
$('#breakdown-by').addEventListener('change', loadBreakdown);
$('#prev').addEventListener('click', () => { view.page = Math.max(0, view.page - 1); loadNodes(); });
$('#next').addEventListener('click', () => { view.page += 1; loadNodes(); });
refreshAll().then(() => document.body.setAttribute('data-loaded', 'true'));
connectLive();
