import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';

function time(name: string, f: () => unknown) {
  const t0 = process.cpuUsage();
  tf.tidy(() => { const r = f() as tf.Tensor; r.dataSync(); });
  console.log(name, process.cpuUsage(t0).user / 1000);
}
it('scratch2', async () => {
  await tf.setBackend('cpu');
  const x = tf.randomUniform([256, 32, 32, 3]) as tf.Tensor4D;
  const dy1 = tf.randomUniform([256, 16, 16, 8]) as tf.Tensor4D;
  const x2 = tf.randomUniform([256, 8, 8, 8]) as tf.Tensor4D;
  const dy2 = tf.randomUniform([256, 8, 8, 16]) as tf.Tensor4D;
  time('bpf patches', () => tf.conv2d(x, tf.randomUniform([2,2,3,8]) as tf.Tensor4D, 2, 'valid'));
  time('bpf1', () => (tf as any).conv2DBackpropFilter ? null : tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 2, 'valid').mul(dy1).sum())(tf.randomUniform([2, 2, 3, 8])));
  time('bpf2', () => tf.grad((w: tf.Tensor) => tf.conv2d(x2, w as tf.Tensor4D, 1, 'same').mul(dy2).sum())(tf.randomUniform([3, 3, 8, 16])));
  time('maxpoolgrad', () => tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').sum())(dy1));
  time('bpi2', () => tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, tf.randomUniform([3, 3, 8, 16]) as tf.Tensor4D, 1, 'same').mul(dy2).sum())(x2));
}, 600000);
