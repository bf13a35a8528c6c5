/**
 * Requests `url` as a 1×1 image, divolte.js's transport: it needs no CORS and reports whether the
 * collector answered with an image (`true`) or failed, errored or did not answer in time (`false`).
 */
export function sendImage(
  w: Window & typeof globalThis,
  url: string,
  timeoutMs: number,
  done: (ok: boolean) => void,
): void {
  const image = new w.Image();
  const end = (ok: boolean): void => {
    if (image.onload) {
      image.onload = image.onerror = null;
      clearTimeout(timer);
      done(ok);
    }
  };
  const timer = setTimeout(end, timeoutMs, false);
  image.onload = image.onerror = (event) => {
    end((event as Event).type == 'load');
  };
  image.src = url;
}
