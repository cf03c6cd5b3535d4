/** Types of transfer-counters.js (plain ESM, imported as it is by the test page). */
export declare const counts: {
  getImageData: number;
  readPixels: number;
  mapAsync: number;
  mappedBytes: number;
  largestMap: number;
  uploadedBytes: number;
  largestUpload: number;
};
export declare function gpuBuffersAlive(): number;
export declare function resetCounts(): void;
