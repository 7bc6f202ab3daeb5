// One node: its facts, its decision explained, and its status timeline, updated live.
'use strict';
// $ and el come from common.js
const nodeId = new URLSearchParams(location.search).get('id') || '';
$('#node-id').textContent = nodeId;
document.title = nodeId + ' · Arc Fleet Onboarding';

function facts(target, pairs) {
  target.replaceChildren(...pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-field': k }, typeof v === 'object' ? JSON.stringify(v) : v)]));
}

async function load() {
  const r = await fetch('/api/v1/nodes/' + nodeId.split('/').map(encodeURIComponent).join('/'));
  if (r.status === 404) {
    $('#not-found').hidden = false;
    $('#not-found').textContent = 'No node ' + nodeId + ' is registered.';
    return;
  }
  const n = await r.json();
  const o = n.onboarding;
  facts($('#onboarding'), [['state', o.state], ['route', o.route], ['target', o.target ? `${o.target.kind} ${o.target.id}` : ''],
    ['degraded', o.degraded ? 'yes' : ''], ['reasons', (o.reasons || []).join(', ')], ['step', o.step], ['detail', o.detail],
    ['plan', o.planId], ['approval', o.approval ? `${o.approval.state}${o.approval.by ? ' by ' + o.approval.by : ''}`
      + ` at ${o.approval.at || ''}${o.approval.detail ? ' · ' + o.approval.detail : ''}` : ''],
    ['policy', o.policyVersion], ['updated', o.updatedAt], ['correlation id', n.correlationId]]);
  facts($('#facts'), [['hostname', n.hostname], ['site', n.site], ['device class', n.deviceClass],
    ['OS', `${n.os.family} ${n.os.version || ''} (${n.os.mutability})`], ['evidence', (n.os.evidence || []).join('; ')],
    ['osImage', n.osImage], ['kernel', n.kernelVersion], ['cluster', n.cluster ? n.cluster.id : ''],
    ['host', n.host], ['virtualization', n.virtualization], ['required', (n.requiredCapabilities || []).join(', ')],
    ['source', n.source], ['observed', n.observedAt]]);
  $('#rationale').replaceChildren(...(o.rationale || []).map((line) => el('li', {}, line)));
  $('#cap-provided').textContent = ((o.capabilities || {}).provided || []).join(', ') || 'none';
  $('#cap-missing').textContent = ((o.capabilities || {}).missing || []).join(', ') || 'none';
  $('#rejected tbody').replaceChildren(...(o.rejected || []).map((x) =>
    el('tr', { 'data-route': x.route }, el('td', {}, x.route), el('td', {}, (x.reasons || []).join(', ')))));

  const t = await (await fetch('/api/v1/timelines/' + nodeId.split('/').map(encodeURIComponent).join('/'))).json();
  const first = t.events.length ? Date.parse(t.events[0].occurredAt) : 0;
  let previous = first;
  $('#timeline tbody').replaceChildren(...t.events.map((e) => {
    const at = Date.parse(e.occurredAt);
    const row = el('tr', { 'data-type': e.type }, el('td', { title: e.occurredAt }, new Date(at).toLocaleTimeString()),
      el('td', { class: 'num', title: 'since the previous event' }, `${((at - previous) / 1000).toFixed(1)} s`),
      el('td', {}, e.type), el('td', {}, e.step || ''), el('td', { class: 'num' }, e.attempt || ''),
      el('td', {}, e.detail || ''), el('td', {}, e.planId || ''));
    previous = at;
    return row;
  }));
  document.body.setAttribute('data-loaded', 'true');
}

let timer = null;
const source = new EventSource('/api/v1/live');
source.onopen = () => { $('#live-status').textContent = 'live'; $('#live-status').classList.add('live'); };
source.onerror = () => { $('#live-status').textContent = 'reconnecting'; $('#live-status').classList.remove('live'); };
source.onmessage = () => { if (!timer) timer = setTimeout(() => { timer = null; load(); }, 500); };
load();
