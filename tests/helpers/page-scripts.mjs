// page-scripts.mjs — scripts the browser tests run in a page before its own
// (playwright's addInitScript takes the function's source).

// Every 25th VideoFrame made from the <video> looks as if the player had
// moved on (its timestamp off, as on a busy machine): the upload page must
// seek back and read that frame again. window.__kt_late counts the late
// reads and those read again after a seek.
export const lateReads = () => {
  const Real = window.VideoFrame;
  let n = 0;
  let pending = false; // a late read, not yet read again
  let sought = false; // a seek since that late read
  window.__kt_late = { reads: 0, rereadAfterSeek: 0 };
  document.addEventListener('seeking', () => { if (pending) sought = true; }, true);
  window.VideoFrame = class extends Real {
    constructor(source, init) {
      const video = source instanceof HTMLVideoElement;
      if (video && pending) {
        if (sought) window.__kt_late.rereadAfterSeek++;
        pending = false;
        sought = false;
      }
      const late = video && ++n % 25 === 0;
      if (late) {
        window.__kt_late.reads++;
        pending = true;
      }
      super(source, late ? { ...init, timestamp: 1e12 } : init);
    }
  };
};
