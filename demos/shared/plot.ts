// A live training plot on a plain 2D canvas: the loss after every batch (scaled to its
// largest value so far) and training / validation accuracy after every epoch (0–1), over
// training progress 0–1 on the x axis.
import type { BatchLog, EpochLog } from 'visionpipe';

const COLOURS = { loss: '#e8710a', accuracy: '#2f7bf5', valAccuracy: '#1e8e3e' } as const;

/**
 * Points gathered during one training run, redrawn on each update.
 *
 * @example
 * ```ts
 * const plot = new TrainingPlot(canvas);
 * await trainer.train({ labels, onBatchEnd: (b) => plot.addBatch(b), onEpochEnd: (e) => plot.addEpoch(e) });
 * ```
 */
export class TrainingPlot {
  private readonly losses: { x: number; y: number }[] = [];
  private readonly epochs: EpochLog[] = [];
  private pending = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.draw();
  }

  /** Redraws once per animation frame, however many updates arrive (keeps the main thread's tasks short). */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  /** Starts over (a new run). */
  clear(): void {
    this.losses.length = 0;
    this.epochs.length = 0;
    this.schedule();
  }

  addBatch(log: BatchLog): void {
    this.losses.push({ x: log.progress, y: log.loss });
    this.schedule();
  }

  addEpoch(log: EpochLog): void {
    this.epochs.push(log);
    this.schedule();
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.canvas;
    const pad = 24;
    const x = (p: number) => pad + p * (width - 2 * pad);
    const y = (v: number) => height - pad - v * (height - 2 * pad);
    ctx.fillStyle = '#111';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#555';
    ctx.strokeRect(pad, pad, width - 2 * pad, height - 2 * pad);
    const maxLoss = Math.max(1e-6, ...this.losses.map((p) => p.y));
    const line = (points: { x: number; y: number }[], colour: string) => {
      if (points.length === 0) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      points.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.x), y(p.y)) : ctx.lineTo(x(p.x), y(p.y))));
      ctx.stroke();
    };
    line(this.losses.map((p) => ({ x: p.x, y: p.y / maxLoss })), COLOURS.loss);
    line(this.epochs.map((e) => ({ x: e.progress, y: e.accuracy })), COLOURS.accuracy);
    line(this.epochs.flatMap((e) => (e.valAccuracy === undefined ? [] : [{ x: e.progress, y: e.valAccuracy }])), COLOURS.valAccuracy);
    ctx.font = '12px system-ui, sans-serif';
    const last = this.epochs.at(-1);
    const legend: [string, string][] = [
      [COLOURS.loss, `loss${this.losses.length ? ` ${this.losses[this.losses.length - 1].y.toFixed(3)}` : ''} (max ${maxLoss.toFixed(2)})`],
      [COLOURS.accuracy, `accuracy${last ? ` ${(last.accuracy * 100).toFixed(0)}%` : ''}`],
      [COLOURS.valAccuracy, `val accuracy${last?.valAccuracy !== undefined ? ` ${(last.valAccuracy * 100).toFixed(0)}%` : ''}`],
    ];
    let left = pad;
    for (const [colour, text] of legend) {
      ctx.fillStyle = colour;
      ctx.fillText(text, left, 15);
      left += ctx.measureText(text).width + 16;
    }
  }
}
