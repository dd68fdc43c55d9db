// The reference graph: groups on a circle, an arrow for each pair of groups a rule connects,
// pointing the way traffic may flow, labelled with the protocols and ports.
import { s } from './dom.js';

const NODE_RADIUS = 30;

/**
 * An SVG of `nodes` ({groupId, groupName, local}) and `edges` ({from, to, labels}); `hrefOf(groupId)`
 * links a node to its group's page (null for groups the console cannot open).
 */
export function referenceGraph(nodes, edges, hrefOf) {
  const count = nodes.length;
  // The circle grows with the number of groups so labels keep apart; one group sits in the middle.
  const radius = count <= 1 ? 0 : Math.max(180, (count * (NODE_RADIUS * 2 + 70)) / (2 * Math.PI));
  const margin = 120;
  const size = 2 * (radius + margin);
  const centre = size / 2;
  const position = new Map(
    nodes.map((node, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(count, 1);
      return [node.groupId, { x: centre + radius * Math.cos(angle), y: centre + radius * Math.sin(angle) }];
    }),
  );

  const svg = s('svg', {
    class: 'graph',
    viewBox: `0 0 ${size} ${size}`,
    width: size,
    height: size,
    role: 'img',
    'aria-labelledby': 'graph-title',
  });
  svg.append(
    s('title', { id: 'graph-title' }, `References between ${count} security groups`),
    s(
      'defs',
      {},
      s(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z' }),
      ),
    ),
  );

  const edgeLayer = s('g', { class: 'edges' });
  for (const edge of edges) {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    if (!from || !to) continue;
    const label = edge.labels.length > 3 ? `${edge.labels.slice(0, 3).join(', ')}, …` : edge.labels.join(', ');
    const geometry = edge.from === edge.to ? selfLoop(from, centre) : curve(from, to);
    edgeLayer.append(
      s(
        'g',
        { class: 'edge', 'data-from': edge.from, 'data-to': edge.to },
        s('title', {}, `${edge.from} → ${edge.to}: ${edge.labels.join(', ')}`),
        s('path', { d: geometry.path, 'marker-end': 'url(#arrow)' }),
        s('text', { x: geometry.label.x, y: geometry.label.y, 'text-anchor': 'middle' }, label),
      ),
    );
  }

  const nodeLayer = s('g', { class: 'nodes' });
  for (const node of nodes) {
    const { x, y } = position.get(node.groupId);
    const name = node.groupName ?? '(another account)';
    const shape = s(
      'g',
      { class: `node${node.local ? '' : ' external'}`, 'data-group-id': node.groupId },
      s('circle', { cx: x, cy: y, r: NODE_RADIUS }),
      s('text', { x, y: y + NODE_RADIUS + 16 }, name.length > 28 ? `${name.slice(0, 27)}…` : name),
      s('text', { x, y: y + NODE_RADIUS + 31, class: 'id' }, node.groupId),
    );
    const href = hrefOf(node);
    nodeLayer.append(href ? s('a', { href, 'aria-label': `${name} (${node.groupId})` }, shape) : shape);
  }
  svg.append(edgeLayer, nodeLayer);
  return svg;
}

/**
 * A slightly bent path from the edge of one circle to the edge of the other: two groups that
 * reference each other get two arrows, bent to opposite sides, instead of one on top of the other.
 */
function curve(from, to) {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  const bend = Math.min(40, length / 6);
  const control = { x: (from.x + to.x) / 2 - uy * bend, y: (from.y + to.y) / 2 + ux * bend };
  const start = towards(from, control, NODE_RADIUS);
  const end = towards(to, control, NODE_RADIUS + 2);
  const mid = { x: 0.25 * start.x + 0.5 * control.x + 0.25 * end.x, y: 0.25 * start.y + 0.5 * control.y + 0.25 * end.y };
  return {
    path: `M ${start.x.toFixed(1)} ${start.y.toFixed(1)} Q ${control.x.toFixed(1)} ${control.y.toFixed(1)} ${end.x.toFixed(1)} ${end.y.toFixed(1)}`,
    label: { x: mid.x.toFixed(1), y: (mid.y - 6).toFixed(1) },
  };
}

/** A loop on the outer side of a node, for a group whose rule names the group itself. */
function selfLoop(at, centre) {
  const dx = at.x - centre;
  const dy = at.y - centre;
  const length = Math.hypot(dx, dy);
  const ux = length === 0 ? 0 : dx / length;
  const uy = length === 0 ? -1 : dy / length;
  const px = -uy;
  const py = ux;
  const reach = NODE_RADIUS * 2.4;
  const start = { x: at.x + (ux * 0.7 + px * 0.7) * NODE_RADIUS, y: at.y + (uy * 0.7 + py * 0.7) * NODE_RADIUS };
  const end = { x: at.x + (ux * 0.7 - px * 0.7) * NODE_RADIUS, y: at.y + (uy * 0.7 - py * 0.7) * NODE_RADIUS };
  const c1 = { x: at.x + ux * reach + px * reach * 0.6, y: at.y + uy * reach + py * reach * 0.6 };
  const c2 = { x: at.x + ux * reach - px * reach * 0.6, y: at.y + uy * reach - py * reach * 0.6 };
  return {
    path: `M ${start.x.toFixed(1)} ${start.y.toFixed(1)} C ${c1.x.toFixed(1)} ${c1.y.toFixed(1)} ${c2.x.toFixed(1)} ${c2.y.toFixed(1)} ${end.x.toFixed(1)} ${end.y.toFixed(1)}`,
    label: { x: (at.x + ux * reach * 1.05).toFixed(1), y: (at.y + uy * reach * 1.05 + 4).toFixed(1) },
  };
}

function towards(point, target, distance) {
  const dx = target.x - point.x;
  const dy = target.y - point.y;
  const length = Math.hypot(dx, dy) || 1;
  return { x: point.x + (dx / length) * distance, y: point.y + (dy / length) * distance };
}
