// Find similar: photos → embeddings (image-feature-extraction, main thread) → SimilarityIndex;
// click a photo to see the others ranked by cosine similarity. The embeddings of the preloaded
// photos are cached in IndexedDB (saveIndexToIndexedDB / loadIndexFromIndexedDB). Below, a map
// of the embedding space: every photo drawn as a thumbnail at its PCA or UMAP position.
import { SimilarityIndex, drawScatter, loadIndexFromIndexedDB, pca, pipeline, saveIndexToIndexedDB, umap } from 'visionpipe';
import { SDK_OPTIONS, demo, mountNav, progress, run, showError, showStatus } from './shared/common';

mountNav('Find similar');

/** Real photos served by scripts/serve-demos.mjs: face-api's six group photos and three scikit-image photos. */
const PRELOADED = [
  ...[1, 2, 3, 4, 5, 6].map((n) => ({ id: `sample${n}`, url: `/photos/face-api/sample${n}.jpg` })),
  ...['astronaut', 'chelsea', 'coffee'].map((n) => ({ id: n, url: `/photos/fixtures/${n}.jpg` })),
];
const CACHE_KEY = 'find-similar-v1';
const TOP = 5;
const THUMBNAIL = 72;

interface Summary {
  indexed: number;
  fromCache: number;
  query: string | null;
  neighbours: { id: string; score: number }[];
  /** The last map drawn: its projection and where each photo landed (canvas pixels). */
  map: { method: 'pca' | 'umap'; points: { id: string; x: number; y: number }[] } | null;
}

run(async () => {
  const summary: Summary = { indexed: 0, fromCache: 0, query: null, neighbours: [], map: null };
  demo.summary = summary;
  showStatus('Loading MobileNetV2…');
  const embedder = await pipeline('image-feature-extraction', { ...SDK_OPTIONS, onProgress: progress('MobileNetV2') });
  addEventListener('pagehide', () => embedder.dispose());
  demo.backend = embedder.runner.backend;
  const cached = await loadIndexFromIndexedDB(CACHE_KEY).catch(() => null);
  const index = new SimilarityIndex(embedder.dim);
  const urls = new Map<string, string>();
  const gallery = document.getElementById('gallery')!;
  const neighbours = document.getElementById('neighbours')!;

  const figure = (id: string, caption: string): HTMLElement => {
    const fig = document.createElement('figure');
    const img = document.createElement('img');
    img.src = urls.get(id)!;
    img.alt = id;
    const text = document.createElement('figcaption');
    text.textContent = caption;
    fig.append(img, text);
    return fig;
  };

  const select = (id: string): void => {
    for (const fig of gallery.querySelectorAll('figure')) fig.classList.toggle('selected', fig.dataset.id === id);
    const hits = index.search(index.get(id).vector, TOP + 1).filter((h) => h.id !== id).slice(0, TOP);
    neighbours.replaceChildren(...hits.map((h) => figure(h.id, `${h.id} · ${h.score.toFixed(3)}`)));
    summary.query = id;
    summary.neighbours = hits.map(({ id: hit, score }) => ({ id: hit, score }));
    demo.results++;
  };

  const thumbnails = new Map<string, ImageBitmap>();
  const mapCanvas = document.getElementById('map') as HTMLCanvasElement;
  const projection = document.getElementById('projection') as HTMLSelectElement;
  let mapped: { id: string; x: number; y: number }[] = [];

  /** Projects every embedding to 2-D and draws the photos where they land. */
  const drawMap = async (): Promise<void> => {
    const ids = index.ids();
    if (ids.length < 3) return;
    const method = projection.value === 'umap' ? 'umap' : 'pca';
    const vectors = ids.map((id) => index.get(id).vector);
    const projected = method === 'pca' ? pca(vectors).projected : (await umap(vectors, { seed: 7 })).projected;
    const ctx = mapCanvas.getContext('2d')!;
    const { positions } = drawScatter(
      ctx,
      ids.map((id, i) => ({ x: projected[i][0], y: projected[i][1], image: thumbnails.get(id), label: id })),
      { background: '#ffffff', thumbnailSize: THUMBNAIL },
    );
    mapped = ids.map((id, i) => ({ id, x: positions[i].x, y: positions[i].y }));
    summary.map = { method, points: mapped };
  };
  projection.addEventListener('change', () => void drawMap().catch((e: unknown) => showError(e, 'Could not draw the map')));
  mapCanvas.addEventListener('click', (event) => {
    const box = mapCanvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * mapCanvas.width) / box.width;
    const y = ((event.clientY - box.top) * mapCanvas.height) / box.height;
    const hit = mapped.find((p) => Math.abs(p.x - x) <= THUMBNAIL / 2 && Math.abs(p.y - y) <= THUMBNAIL / 2);
    if (hit) select(hit.id);
  });

  /** Embeds a photo and adds it to the index, the map and the gallery; a photo that cannot be decoded or embedded adds nothing. */
  const addPhoto = async (id: string, blob: Blob): Promise<void> => {
    const thumbnail = await createImageBitmap(blob, { resizeWidth: THUMBNAIL * 2, resizeQuality: 'medium' });
    try {
      if (cached?.has(id) && !index.has(id)) {
        index.add(id, cached.get(id).vector);
        summary.fromCache++;
      } else {
        const bitmap = await createImageBitmap(blob);
        const { embedding } = await embedder.run(bitmap).finally(() => bitmap.close());
        if (index.has(id)) index.remove(id);
        index.add(id, embedding);
      }
    } catch (error) {
      thumbnail.close();
      throw error;
    }
    thumbnails.set(id, thumbnail);
    urls.set(id, URL.createObjectURL(blob));
    summary.indexed = index.size;
    const fig = figure(id, id);
    fig.dataset.id = id;
    // the page's main action, from the keyboard too: each photo is a button
    fig.tabIndex = 0;
    fig.setAttribute('role', 'button');
    fig.setAttribute('aria-label', `Find photos like ${id}`);
    fig.addEventListener('click', () => select(id));
    fig.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      select(id);
    });
    gallery.append(fig);
  };

  for (const [i, photo] of PRELOADED.entries()) {
    showStatus(`Embedding photo ${i + 1} of ${PRELOADED.length}…`);
    await addPhoto(photo.id, await (await fetch(photo.url)).blob());
  }
  await saveIndexToIndexedDB(index, CACHE_KEY);

  /** Adds each photo on its own: one that fails is named, the others are still indexed. */
  const addFiles = async (files: Iterable<File>): Promise<void> => {
    let last: string | null = null;
    const failed: { name: string; error: unknown }[] = [];
    const skipped: string[] = [];
    for (const file of files) {
      if (!file.type.startsWith('image/')) {
        skipped.push(file.name); // said below: it was left out without a word
        continue;
      }
      let id = file.name;
      for (let n = 2; urls.has(id); n++) id = `${file.name} (${n})`;
      showStatus(`Embedding ${file.name}…`);
      try {
        await addPhoto(id, file);
        last = id;
      } catch (error) {
        failed.push({ name: file.name, error });
      }
    }
    if (last) select(last);
    await drawMap();
    if (failed.length > 0) {
      showError(failed[0].error, `Could not add ${failed.map((f) => f.name).join(', ')}; ${index.size} photos indexed`);
      return;
    }
    const notImages = skipped.length > 0 ? ` Skipped ${skipped.join(', ')}: not ${skipped.length === 1 ? 'an image' : 'images'}.` : '';
    showStatus(`${index.size} photos indexed (${embedder.dim}-d embeddings on ${embedder.runner.backend}). Click one to see its neighbours.${notImages}`);
    demo.state = 'running';
  };
  const failedToAdd = (error: unknown) => showError(error, 'Could not add the photos');
  const upload = document.getElementById('upload') as HTMLInputElement;
  upload.disabled = false;
  upload.addEventListener('change', () => void addFiles(upload.files ?? []).catch(failedToAdd));
  gallery.addEventListener('dragover', (e) => {
    e.preventDefault();
    gallery.classList.add('drop');
  });
  gallery.addEventListener('dragleave', () => gallery.classList.remove('drop'));
  gallery.addEventListener('drop', (e) => {
    e.preventDefault();
    gallery.classList.remove('drop');
    void addFiles(e.dataTransfer?.files ?? []).catch(failedToAdd);
  });
  select(PRELOADED[0].id);
  await drawMap();
  showStatus(`${index.size} photos indexed (${embedder.dim}-d embeddings on ${embedder.runner.backend}; ${summary.fromCache} from IndexedDB). Click one to see its neighbours.`);
  demo.state = 'running';
});
