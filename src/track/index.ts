/**
 * Tracking over time: ByteTrack-style multi-object tracking of detections and One-Euro
 * smoothing of scalars and keypoints.
 */
export { ByteTracker } from './byte-tracker';
export type { TrackedDetection, TrackInfo } from './byte-tracker';
export type { ByteTrackerOptions, ResolvedTrackerOptions } from './tracker-options';
export type { TrackState } from './track';
export { KalmanBoxFilter, boxToMeasurement, stateToBox } from './kalman-box';
export type { KalmanBoxOptions, KalmanBoxState } from './kalman-box';
export { linearAssignment } from './linear-assignment';
export type { AssignmentResult } from './linear-assignment';
export { OneEuroFilter, OneEuroBank, KeypointSmoother } from './one-euro';
export type { OneEuroOptions, SmoothablePoint } from './one-euro';
