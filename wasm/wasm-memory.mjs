// wasm-memory.mjs — typed views on a module's memory that are never stale.
//
// A view taken before memory grows does not see the new pages (a plain
// ArrayBuffer is even detached). The single-threaded build refreshes
// Module.HEAPU8 when it grows itself, but in the threaded build a pool
// thread may grow the shared memory and the calling thread's views stay
// as they were. So every access goes through here: the views are rebuilt
// whenever the memory's buffer is no longer the one they were made on.
export function memoryViews(M) {
  const memory = M.wasmMemory || Object.values(M.asm || {}).find((v) => v instanceof WebAssembly.Memory);
  if (!memory) throw new Error('the wasm module exposes no memory');
  let buffer = null;
  let views = null;
  const fresh = () => {
    if (memory.buffer !== buffer) {
      buffer = memory.buffer;
      views = { u8: new Uint8Array(buffer), i32: new Int32Array(buffer), u32: new Uint32Array(buffer), f32: new Float32Array(buffer) };
    }
    return views;
  };
  return {
    get u8() { return fresh().u8; },
    get i32() { return fresh().i32; },
    get u32() { return fresh().u32; },
    get f32() { return fresh().f32; },
    // Copies out (never views: those would go stale, and a shared buffer
    // cannot be transferred to another thread).
    bytes: (ptr, n) => fresh().u8.slice(ptr, ptr + n),
    floats: (ptr, n) => fresh().f32.slice(ptr >> 2, (ptr >> 2) + n),
    ints: (ptr, n) => fresh().i32.slice(ptr >> 2, (ptr >> 2) + n),
    u32At: (ptr) => fresh().u32[ptr >> 2],
    write: (ptr, bytes) => fresh().u8.set(bytes, ptr),
    writeInts: (ptr, ints) => fresh().i32.set(ints, ptr >> 2),
    writeFloats: (ptr, floats) => fresh().f32.set(floats, ptr >> 2),
    size: () => memory.buffer.byteLength,
  };
}
