// Small hand-written SVG line charts: a time axis over the last minutes, a y axis from 0 to a round maximum, one
// path per series with gaps where a value is missing. The svg element carries what it shows as data attributes
// (points, axis max, each series' last value and peak), so tests can read the chart without parsing paths.

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  /** The newest time on the axis, and how far back it reaches (ms). */
  readonly now: number;
  readonly windowMs: number;
  readonly max: number;
}

const svgNs = "http://www.w3.org/2000/svg";
const margin = { left: 44, right: 8, top: 16, bottom: 18 };

/** The smallest of 1, 2, 2.5, 5 × 10^n that is at least `value` (at least 1). */
export function roundMax(value: number): number {
  if (!(value > 1)) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) {
      return step * power;
    }
  }
  return 10 * power;
}

/** The path of one series: `M x y L x y …`, starting over after each missing value. */
export function linePath(times: readonly number[], values: readonly (number | null)[], frame: Frame): string {
  const plotWidth = frame.width - margin.left - margin.right;
  const plotHeight = frame.height - margin.top - margin.bottom;
  const start = frame.now - frame.windowMs;
  let path = "";
  let drawing = false;
  for (let i = 0; i < times.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      drawing = false;
      continue;
    }
    const x = margin.left + ((times[i]! - start) / frame.windowMs) * plotWidth;
    const y = margin.top + plotHeight - (Math.min(value, frame.max) / frame.max) * plotHeight;
    path += `${drawing ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)} `;
    drawing = true;
  }
  return path.trim();
}

/** Redraws `svg` with the series over `times` (ms, ascending), the newest time at the right edge. */
export function renderChart(svg: SVGSVGElement, times: readonly number[], series: readonly Series[], windowMs: number, format: (value: number) => string): void {
  const width = Math.max(200, Math.round(svg.clientWidth || 600));
  const height = Math.max(100, Math.round(svg.clientHeight || 160));
  const now = times.length > 0 ? times[times.length - 1]! : 0;
  const known = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const frame: Frame = { width, height, now, windowMs, max: roundMax(Math.max(0, ...known)) };

  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const plotBottom = height - margin.bottom;
  const plotHeight = plotBottom - margin.top;
  for (const fraction of [0, 0.5, 1]) {
    const y = plotBottom - fraction * plotHeight;
    svg.append(element("line", { class: "grid", x1: margin.left, x2: width - margin.right, y1: y, y2: y }));
    svg.append(text(format(frame.max * fraction), { class: "axis", x: margin.left - 6, y: y + 3, "text-anchor": "end" }));
  }
  const minutes = Math.round(windowMs / 60_000);
  svg.append(text(`−${minutes} min`, { class: "axis", x: margin.left, y: height - 4 }));
  svg.append(text("now", { class: "axis", x: width - margin.right, y: height - 4, "text-anchor": "end" }));

  let legendX = margin.left;
  for (const s of series) {
    svg.append(element("path", { class: "series", d: linePath(times, s.values, frame), stroke: s.color, "data-series": s.name }));
    const label = text(s.name, { class: "legend", x: legendX, y: 11, fill: s.color });
    svg.append(label);
    legendX += 12 + 7 * s.name.length;
  }

  svg.dataset.points = String(times.length);
  svg.dataset.max = String(frame.max);
  svg.dataset.last = JSON.stringify(series.map((s) => s.values[s.values.length - 1] ?? null));
  svg.dataset.peaks = JSON.stringify(series.map((s) => Math.max(0, ...s.values.filter((v): v is number => v !== null))));
}

function element(name: string, attributes: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) {
    node.setAttribute(key, String(value));
  }
  return node;
}

function text(content: string, attributes: Record<string, string | number>): SVGElement {
  const node = element("text", attributes);
  node.textContent = content;
  return node;
}
