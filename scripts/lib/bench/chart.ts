import { escapeHtml as e } from '#shared/platform/http/escape';
import type { PathResult } from './artillery';
import type { BenchSummary, PathName } from './summary';

/** One self-contained SVG: per scenario, latency percentiles and throughput, legacy beside new. */
const WIDTH = 980;
const HEADER = 78;
const PANEL = 200;
const BAR_AREA = 120;
const COLOR: Record<PathName, string> = { legacy: '#b45309', new: '#1d4ed8' };
const PERCENTILES = ['p50', 'p95', 'p99'] as const;

const finite = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n);
const fmt = (n: number) => (n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));

/** Latencies span 1 ms to seconds: a log scale, the same for every panel so they compare. */
function logScale(maxMs: number) {
  const top = 10 ** Math.max(1, Math.ceil(Math.log10(Math.max(maxMs, 10))));
  return {
    top,
    height: (ms: number) => (BAR_AREA * Math.log10(Math.max(1, ms))) / Math.log10(top),
  };
}

export function renderChart(summary: BenchSummary): string {
  const scenarios = Object.entries(summary.scenarios);
  const all = scenarios.flatMap(([, s]) => Object.values(s.paths)) as PathResult[];
  const scale = logScale(Math.max(...all.flatMap((r) => PERCENTILES.map((p) => r[p])).filter(finite), 10));
  const height = HEADER + PANEL * Math.max(1, scenarios.length) + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="20" y="28" font-size="18" font-weight="bold">oshop-msa bench: legacy vs new</text>`,
    `<text x="20" y="48" fill="#555">${e(summary.startedAt)} against ${e(summary.target)}; latency on a log scale, same scale in every panel</text>`,
  ];
  // Legend
  (['legacy', 'new'] as const).forEach((p, i) => {
    const x = 20 + i * 110;
    out.push(
      `<rect x="${x}" y="58" width="12" height="12" fill="${COLOR[p]}"/>`,
      `<text x="${x + 18}" y="68">${p === 'legacy' ? 'legacy RDBMS' : 'new store'}</text>`,
    );
  });
  out.push(
    `<line x1="250" y1="64" x2="280" y2="64" stroke="#6b7280" stroke-dasharray="5 3"/>`,
    `<text x="286" y="68">ceiling (trivial handler, same generator)</text>`,
  );

  scenarios.forEach(([name, s], i) => {
    const y0 = HEADER + i * PANEL;
    const base = y0 + 40 + BAR_AREA;
    const ratio = s.ratios
      ? `new/legacy: p95 x${s.ratios.p95}, rps x${s.ratios.rps}`
      : 'new path only (no legacy twin)';
    out.push(
      `<line x1="20" y1="${y0 + 4}" x2="${WIDTH - 20}" y2="${y0 + 4}" stroke="#ddd"/>`,
      `<text x="20" y="${y0 + 22}" font-size="14" font-weight="bold">${e(name)}</text>`,
      `<text x="${20 + 9 * name.length + 14}" y="${y0 + 22}" fill="#555">${e(s.description)}</text>`,
      `<text x="${WIDTH - 20}" y="${y0 + 22}" text-anchor="end" font-weight="bold">${e(ratio)}</text>`,
    );
    // Latency: gridlines at powers of ten, three groups of bars.
    for (let v = 1; v <= scale.top; v *= 10) {
      const y = base - scale.height(v);
      out.push(
        `<line x1="70" y1="${y}" x2="560" y2="${y}" stroke="#eee"/>`,
        `<text x="64" y="${y + 4}" text-anchor="end" fill="#777">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`,
      );
    }
    PERCENTILES.forEach((pct, g) => {
      const gx = 90 + g * 160;
      out.push(`<text x="${gx + 58}" y="${base + 16}" text-anchor="middle">${pct}</text>`);
      (['legacy', 'new'] as const).forEach((p, b) => {
        const r = s.paths[p];
        if (!r) return;
        const x = gx + b * 62;
        const v = r[pct];
        if (!finite(v)) {
          out.push(`<text x="${x + 27}" y="${base - 4}" text-anchor="middle" fill="#999">n/a</text>`);
          return;
        }
        const h = Math.max(1, scale.height(v));
        out.push(
          `<rect x="${x}" y="${base - h}" width="54" height="${h}" fill="${COLOR[p]}"><title>${p} ${pct} ${fmt(v)} ms</title></rect>`,
          `<text x="${x + 27}" y="${base - h - 4}" text-anchor="middle">${fmt(v)}</text>`,
        );
      });
    });
    // Throughput: linear, with the HTTP ceiling for rush scenarios.
    const ceiling = s.ceilingShare?.http !== undefined ? summary.ceilings.http?.rps : undefined;
    const rpsMax = Math.max(
      1,
      ...Object.values(s.paths).map((r) => (r && finite(r.rps) ? r.rps : 0)),
      ceiling ?? 0,
    );
    out.push(
      `<text x="780" y="${base + 16}" text-anchor="middle">requests/s</text>`,
      `<line x1="640" y1="${base}" x2="920" y2="${base}" stroke="#999"/>`,
    );
    (['legacy', 'new'] as const).forEach((p, b) => {
      const r = s.paths[p];
      if (!r || !finite(r.rps)) return;
      const h = Math.max(1, (BAR_AREA * r.rps) / rpsMax);
      const x = 680 + b * 110;
      out.push(
        `<rect x="${x}" y="${base - h}" width="80" height="${h}" fill="${COLOR[p]}"><title>${p} ${r.rps} req/s</title></rect>`,
        `<text x="${x + 40}" y="${base - h - 4}" text-anchor="middle">${r.rps}</text>`,
      );
    });
    if (ceiling) {
      const y = base - (BAR_AREA * ceiling) / rpsMax;
      out.push(
        `<line x1="660" y1="${y}" x2="880" y2="${y}" stroke="#6b7280" stroke-dasharray="5 3"/>`,
        `<text x="886" y="${y + 4}" fill="#555">ceiling ${ceiling}</text>`,
      );
    }
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
