interface ImportMetaEnv {
  /** Where events go; defaults to `/csc-event` on the page's own origin. */
  readonly VITE_TRIBUTARY_ENDPOINT?: string;
}
