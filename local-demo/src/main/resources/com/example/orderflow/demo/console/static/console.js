// The orderflow console: draws each server-sent view (GET /events: each change, at least once a second) and
// posts the actions (POST /api/actions/<name>). Everything shown comes from the view's
// JSON, written into the page as text, never as markup.
'use strict';

const NODE_COUNT_FALLBACK = [1, 2, 3];

function el(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined) continue;
    // data-* attributes say true and false; others are present or not.
    if (name.startsWith('data-')) element.setAttribute(name, String(value));
    else if (value === false) continue;
    else if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function replace(id, ...children) {
  document.getElementById(id).replaceChildren(...children.flat());
}

// ---- the view ----

let lastGood = null;

const drawn = {};

function changed(section, value) {
  const json = JSON.stringify(value === undefined ? null : value);
  if (drawn[section] === json) return false;
  drawn[section] = json;
  return true;
}

function render(view) {
  document.getElementById('updated').textContent = 'updated ' + new Date(view.at).toLocaleTimeString();
  const problem = document.getElementById('problem');
  problem.hidden = !view.problem;
  problem.textContent = view.problem ? 'not read: ' + view.problem : '';
  // A tick that could not read the cluster keeps the last picture of it.
  const cluster = (view.nodes && view.nodes.length) ? view : (lastGood || view);
  if (view.nodes && view.nodes.length) lastGood = view;
  document.getElementById('bootstrap').textContent = view.bootstrapServers || '';
  // Each section is drawn again only when its part of the view changed: a button the
  // user is about to click stays where it is.
  if (changed('nodes', cluster.nodes)) renderNodes(cluster.nodes || []);
  if (changed('topics', [cluster.topics, cluster.nodes])) renderTopics(cluster.topics || [], (cluster.nodes || []).map((node) => node.id));
  if (changed('groups', cluster.groups)) renderGroups(cluster.groups || []);
  if (changed('blueGreen', view.blueGreen)) renderBlueGreen(view.blueGreen);
  if (changed('services', view.services)) renderServices(view.services || []);
  const load = view.load || {};
  document.getElementById('load-status').textContent = load.running ? 'running: ' + load.last : (load.last || '');
}

function renderNodes(nodes) {
  replace('nodes', nodes.map((node) => el('div',
    { class: 'node', 'data-node': node.id, 'data-up': node.up, 'data-controller': node.controller },
    el('div', {}, el('b', { text: 'node ' + node.id }), node.controller ? el('span', { class: 'crown', title: 'active controller', text: ' ★ controller' }) : null),
    el('div', { class: 'state', text: node.up ? 'up ' + node.address : 'DOWN' }),
    node.up
      ? el('button', { type: 'button', 'data-act': 'kill-broker', 'data-node': node.id, text: 'kill -9' })
      : el('button', { type: 'button', 'data-act': 'start-broker', 'data-node': node.id, text: 'start' }))));
}

function renderTopics(topics, nodeIds) {
  const ids = nodeIds.length ? nodeIds : NODE_COUNT_FALLBACK;
  replace('topics', topics.map((topic) => el('div', { class: 'topic', 'data-topic': topic.name },
    el('h3', { text: topic.name + ' (min ISR ' + topic.minInsyncReplicas + ')' }),
    el('table', {},
      el('tr', {}, el('th', {}), ids.map((id) => el('th', { text: 'n' + id }))),
      topic.partitions.map((partition) => el('tr', {
        'data-partition': partition.partition, 'data-leader': partition.leader,
        'data-isr': partition.isr.join(','), 'data-offline': partition.leader < 0
      },
      el('th', { text: 'p' + partition.partition }),
      ids.map((id) => el('td', {}, replica(partition, id)))))))));
}

function replica(partition, id) {
  if (partition.leader === id) return el('span', { class: 'replica leader', title: 'leader', text: 'L' });
  if (!partition.replicas.includes(id)) return el('span', { class: 'replica none', text: '·' });
  if (partition.isr.includes(id)) return el('span', { class: 'replica follower', title: 'in sync', text: 'F' });
  return el('span', { class: 'replica out', title: 'out of sync', text: '×' });
}

function renderGroups(groups) {
  replace('groups', groups.map((group) => {
    const most = Math.max(1, ...group.partitions.map((partition) => partition.lag));
    return el('div', { class: 'group', 'data-group': group.groupId, 'data-state': group.state },
      el('h3', {}, group.groupId + ' ', el('small', { text: group.state + ' · ' + group.members.length + ' members · lag ' + group.lag })),
      el('div', { class: 'members' }, group.members.map((member) => el('div', {
        class: member.partitions.length ? 'member' : 'member idle', 'data-member': member.clientId,
        'data-partitions': member.partitions.join(','), title: member.host
      }, member.clientId, member.partitions.map((partition) => el('span', { class: 'chip', text: 'p' + partition }))))),
      el('div', { class: 'lags' }, group.partitions.map((partition) => el('div', {
        class: 'lag', 'data-partition': partition.partition, 'data-lag': partition.lag,
        title: 'committed ' + partition.committed + ', log end ' + partition.end
      },
      el('div', { class: 'bar', style: 'height:' + Math.round(40 * Math.max(0, partition.lag) / most) + 'px' }),
      el('b', { text: 'p' + partition.partition }), el('br'),
      'at ' + (partition.committed < 0 ? '-' : partition.committed), el('br'),
      'end ' + partition.end, el('br'),
      'lag ' + (partition.lag < 0 ? '-' : partition.lag)))),
      el('div', { class: 'side-topics' },
        group.retryTopics.map((topic) => el('span', { 'data-topic': topic.topic, 'data-offsets': topic.offsets, text: shortTopic(topic.topic) + ': ' + topic.offsets + ' · ' })),
        el('span', { class: 'dlt', 'data-topic': group.deadLetterTopic.topic, 'data-offsets': group.deadLetterTopic.offsets,
          text: shortTopic(group.deadLetterTopic.topic) + ': ' + group.deadLetterTopic.offsets + ' offsets' })),
      group.parked.length ? el('ul', { class: 'parked' }, group.parked.map((record) => el('li', { 'data-parked': record.partition + '@' + record.offset },
        record.partition + '@' + record.offset + ' order ' + record.key + ' · ' + record.status + ' · ' + (record.exceptionMessage || record.exceptionClass || ''),
        record.status === 'PARKED' ? el('button', { type: 'button', 'data-act': 'replay', 'data-service': group.groupId,
          'data-partition': record.partition, 'data-offset': record.offset, text: 'replay' }) : null))) : null);
  }));
}

function shortTopic(name) {
  return name.replace(/^orders-.*-(retry-\d+|dlt)$/, '$1');
}

function renderBlueGreen(blueGreen) {
  const comparison = (blueGreen && blueGreen.comparison) || {};
  replace('bluegreen', el('p', { id: 'live-writer', 'data-live': blueGreen && blueGreen.live },
    'Live writer of invoices: ', el('b', { text: (blueGreen && blueGreen.live) || 'unknown (handing over?)' })),
  el('p', { id: 'comparison' }, Object.keys(comparison).length
    ? Object.entries(comparison).map(([name, count]) => name + ' ' + count).join(' · ')
    : 'billing-v2 does not answer'));
}

function renderServices(services) {
  replace('services', services.map((service) => el('div', { 'data-service': service.service },
    el('b', { text: service.service }),
    service.instances.map((instance) => el('div', { class: 'instance', 'data-instance': instance.name, 'data-health': instance.health },
      instance.name + ' ', el('span', { class: 'health', text: instance.health }), ' ',
      el('a', { href: instance.uri + '/actuator/health', text: instance.uri }), ' ',
      el('button', { type: 'button', 'data-act': 'kill-instance', 'data-instance': instance.name, text: 'kill -9' }))))));
}

// ---- actions ----

async function act(action, body, button) {
  if (button) button.disabled = true;
  const started = Date.now();
  const entry = el('li', { 'data-action': action, 'data-ok': 'pending' },
    el('span', { class: 'summary', text: action + ' ' + JSON.stringify(body) + ' …' }));
  document.getElementById('results').prepend(entry);
  try {
    const response = await fetch('/api/actions/' + action, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    });
    const result = await response.json();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    entry.setAttribute('data-ok', String(Boolean(result.ok)));
    entry.replaceChildren(
      el('span', { class: 'summary', text: new Date().toLocaleTimeString() + ' ' + action + ' (' + seconds + ' s): ' + result.summary }),
      el('pre', { class: 'evidence', text: (result.evidence || []).join('\n') }),
      ...(result.orderIds || []).map((orderId) => el('a', { href: '#', 'data-journey': orderId, text: 'journey of ' + orderId.substring(0, 8) + ' ' })));
    return result;
  } catch (failure) {
    entry.setAttribute('data-ok', 'false');
    entry.replaceChildren(el('span', { class: 'summary', text: action + ' failed: ' + failure.message }));
    return null;
  } finally {
    if (button) button.disabled = false;
  }
}

function formBody(form) {
  const body = {};
  for (const [name, value] of new FormData(form).entries()) {
    body[name] = /^\d+$/.test(value) ? Number(value) : value;
  }
  return body;
}

function journey(orderId) {
  document.getElementById('journey-order').value = orderId;
  // A journey's address can be kept and shared: /#journey=<orderId> opens it.
  history.replaceState(null, '', '#journey=' + encodeURIComponent(orderId));
  replace('journey', el('p', { class: 'muted', text: 'reading the records of ' + orderId + ' …' }));
  fetch('/api/journey?orderId=' + encodeURIComponent(orderId))
    .then((response) => response.json())
    .then((found) => {
      if (!found.records) {
        replace('journey', el('p', { text: found.summary || 'no answer' }));
        return;
      }
      replace('journey',
        el('p', {}, found.records.length + ' records · ',
          found.traceUri ? el('a', { id: 'trace-link', href: found.traceUri, target: '_blank', text: 'its trace in Zipkin' }) : 'no trace header'),
        el('table', { class: 'journey', 'data-order': found.orderId },
          el('tr', {}, ['topic', 'partition@offset', 'type', 'transaction', 'written by'].map((name) => el('th', { text: name }))),
          found.records.map((record) => el('tr', {
            'data-journey-record': record.topic + '/' + record.partition + '@' + record.offset,
            'data-topic': record.topic, 'data-status': record.status, 'data-written-by': record.writtenBy || 'orders-service'
          },
          el('td', { text: record.topic }), el('td', { text: record.partition + '@' + record.offset }),
          el('td', { text: record.type }), el('td', { text: record.status }),
          el('td', { text: record.writtenBy || 'orders-service' })))));
    })
    .catch((failure) => replace('journey', el('p', { text: 'could not read: ' + failure.message })));
}

function wire() {
  for (const form of document.querySelectorAll('form[data-action]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      act(form.dataset.action, formBody(form), form.querySelector('button[type="submit"]'));
    });
  }
  for (const id of ['load-stop', 'cutover', 'rollback']) {
    const button = document.getElementById(id);
    button.addEventListener('click', () => act(button.dataset.action, {}, button));
  }
  document.getElementById('journey-form').addEventListener('submit', (event) => {
    event.preventDefault();
    journey(document.getElementById('journey-order').value.trim());
  });
  // Buttons inside what each view redraws, and the journey links of placed orders.
  document.body.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-act]');
    if (button) {
      const body = {};
      for (const name of ['node', 'instance', 'service', 'partition', 'offset']) {
        if (button.dataset[name] !== undefined) body[name] = /^\d+$/.test(button.dataset[name]) ? Number(button.dataset[name]) : button.dataset[name];
      }
      act(button.dataset.act, body, button);
    }
    const link = event.target.closest('a[data-journey]');
    if (link) {
      event.preventDefault();
      journey(link.dataset.journey);
    }
  });
  const linked = /^#journey=(.+)$/.exec(location.hash);
  if (linked) journey(decodeURIComponent(linked[1]));
  const connection = document.getElementById('connection');
  const events = new EventSource('/events');
  events.onopen = () => { connection.dataset.state = 'live'; connection.textContent = 'live'; };
  events.onerror = () => { connection.dataset.state = 'lost'; connection.textContent = 'reconnecting…'; };
  events.onmessage = (message) => {
    const view = JSON.parse(message.data);
    if (view.at) render(view);
  };
}

document.addEventListener('DOMContentLoaded', wire);
