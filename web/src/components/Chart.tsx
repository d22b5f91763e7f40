// Line charts with uPlot (small and fast: the whole console stays far below
// its bundle budget). Series share one x axis of dates or times.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
  /** Fill down to this series' index (a band between two series). */
  bandTo?: number;
}

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569"];
export const chartColor = (i: number) => COLORS[i % COLORS.length];

export function LineChart({ title, x, series, height = 220, yLabel, percent }: {
  title: string;
  /** Unix seconds. */
  x: number[];
  series: Series[];
  height?: number;
  yLabel?: string;
  percent?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const width = box.current.clientWidth || 600;
    const bands = series.flatMap((s, i) => (s.bandTo !== undefined ? [{ series: [i + 1, s.bandTo + 1] as [number, number], fill: "rgba(37,99,235,0.12)" }] : []));
    const plot = new uPlot({
      width,
      height,
      bands,
      axes: [{}, { label: yLabel, values: percent ? (_u, v) => v.map((n) => `${(n * 100).toFixed(0)}%`) : undefined }],
      scales: { x: { time: true } },
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, dash: s.dash, width: 2, points: { show: true, size: 5 } }))],
    }, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, box.current);
    const resize = new ResizeObserver(() => plot.setSize({ width: box.current?.clientWidth || width, height }));
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, height, yLabel, percent]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${series.map((s) => s.label).join(", ")}`} />
    </figure>
  );
}

/** Horizontal bars (a breakdown), plain HTML: readable by screen readers as a list. */
export function Bars({ title, items }: { title: string; items: { label: string; value: number; color?: string }[] }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <figure className="bars">
      <figcaption>{title}</figcaption>
      <ul>
        {items.map((item, i) => (
          <li key={item.label}>
            <span className="bar-label">{item.label}</span>
            <span className="bar" style={{ width: `${(item.value / max) * 100}%`, background: item.color ?? chartColor(i) }} />
            <span className="bar-value">{item.value.toLocaleString("en-US")}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
