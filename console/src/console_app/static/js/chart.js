// The size-over-time chart of a panel: a step line over the server's history points
// ({at, size}, a point whenever the size changed), extended to now with the live count.
import { numberFormat, parseTime } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 240, HEIGHT = 48, PAD = 3;

function svgEl(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** points: [{at, size}] oldest first; current: the live size now. */
export function sizeChart(points, current) {
  const series = points.map((p) => ({ t: parseTime(p.at)?.getTime() ?? Date.now(), size: p.size }));
  const now = Date.now();
  if (!series.length || series[series.length - 1].size !== current) series.push({ t: now, size: current });
  const first = series[0].t;
  const last = Math.max(now, series[series.length - 1].t);
  const span = last - first || 1;
  const max = Math.max(...series.map((p) => p.size)), min = Math.min(0, ...series.map((p) => p.size));
  const range = max - min || 1;
  const x = (t) => PAD + ((t - first) / span) * (WIDTH - 2 * PAD);
  const y = (s) => HEIGHT - PAD - ((s - min) / range) * (HEIGHT - 2 * PAD);
  const coords = [];
  series.forEach((p, i) => {
    if (i > 0) coords.push(`${x(p.t).toFixed(1)},${y(series[i - 1].size).toFixed(1)}`);
    coords.push(`${x(p.t).toFixed(1)},${y(p.size).toFixed(1)}`);
  });
  coords.push(`${x(last).toFixed(1)},${y(series[series.length - 1].size).toFixed(1)}`);
  const svg = svgEl("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "spark", role: "img", preserveAspectRatio: "none" });
  const from = numberFormat.format(series[0].size);
  const label = `Size over time: ${from} to ${numberFormat.format(current)} players, ${points.length} changes recorded`;
  svg.setAttribute("aria-label", label);
  svg.dataset.points = String(points.length);
  const title = svgEl("title", {});
  title.textContent = label;
  const area = svgEl("polygon", {
    class: "area", points: `${x(first).toFixed(1)},${HEIGHT - PAD} ${coords.join(" ")} ${x(last).toFixed(1)},${HEIGHT - PAD}`,
  });
  svg.append(title, area, svgEl("polyline", { points: coords.join(" ") }));
  return svg;
}
