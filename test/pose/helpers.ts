/** Shared helpers of the pose tests: photos as raw images, crops, and keypoint lookups. */
import sharp from 'sharp';
import { type RawImage, decodeImageFile } from '../../src/node/index';
import type { Pose, PoseKeypoint } from '../../src/pipelines/pose/pose-types';

/** A photo resized to width × height (RGB). */
export async function resized(path: string, width: number, height: number): Promise<RawImage> {
  const photo = await decodeImageFile(path);
  const { data, info } = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: photo.channels } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels as 3 };
}

/** A region of a photo (pixels), optionally resized. */
export async function cropped(path: string, left: number, top: number, width: number, height: number, outWidth = width, outHeight = height): Promise<RawImage> {
  const photo = await decodeImageFile(path);
  const { data, info } = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: photo.channels } })
    .extract({ left, top, width, height })
    .resize(outWidth, outHeight, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels as 3 };
}

/** The keypoint of a pose by name. */
export function kp(pose: Pose, name: string): PoseKeypoint {
  const k = pose.keypoints.find((p) => p.name === name);
  if (!k) throw new Error(`no keypoint ${name}`);
  return k;
}
