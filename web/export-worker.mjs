// export-worker.mjs — export=true's encoder, off the page's main thread:
// frames with the skeleton already drawn (RGBA at the source's size, in
// presentation order with the source's timestamps) go to a WebCodecs
// VideoEncoder as they arrive, its chunks to mediabunny's muxer, and the
// finished file goes back as bytes. Memory stays bounded: the page waits
// for each frame's acknowledgement, which comes once the encoder's queue is
// short again, so at most a few raw frames exist at any time.
//
// Protocol (one export per worker): {op:'start', width, height, fps, audioUrl,
// codecs?: a subset of ['avc', 'vp9', 'vp8'], in the default order}
// → {op:'started', codec, container} | {op:'unsupported', tried};
// {op:'frame', rgba, timestampUs, durationUs} → {op:'ack'};
// {op:'finish'} → {op:'progress', encoded, total}* then {op:'done', bytes,
// mimeType, frames, durationUs, audio}; any failure → {op:'failed', message}.
import {
  ALL_FORMATS, BufferTarget, EncodedAudioPacketSource, EncodedPacket, EncodedPacketSink, EncodedVideoPacketSource,
  Input, Mp4OutputFormat, Output, UrlSource, WebMOutputFormat,
} from '../runtime/mediabunny.mjs';

// H.264 first (plays everywhere), then VP9, then VP8 (issue 14). High
// profile level 4.0 covers 1080p; 5.1 covers 4K sources.
const CANDIDATES = [
  { codec: 'avc1.640028', muxCodec: 'avc', container: 'mp4' },
  { codec: 'avc1.640033', muxCodec: 'avc', container: 'mp4' },
  { codec: 'vp09.00.10.08', muxCodec: 'vp9', container: 'webm' },
  { codec: 'vp8', muxCodec: 'vp8', container: 'webm' },
];
const MAX_QUEUE = 2;          // raw frames waiting inside the encoder
const KEYFRAME_EVERY_S = 2;

let job = null;

async function chooseCodec(width, height, fps, only) {
  const tried = [];
  if (typeof VideoEncoder !== 'function') return { tried };
  for (const c of CANDIDATES.filter((x) => !only || only.includes(x.muxCodec))) {
    const config = {
      codec: c.codec, width, height, framerate: fps,
      bitrate: Math.max(500000, Math.round(width * height * fps * 0.12)),
      latencyMode: 'quality',
      ...(c.muxCodec === 'avc' ? { avc: { format: 'avc' } } : {}),
    };
    tried.push(c.codec);
    try {
      const { supported } = await VideoEncoder.isConfigSupported(config);
      if (supported) return { ...c, config, tried };
    } catch { /* a config this browser cannot parse: the next one */ }
  }
  return { tried };
}

// The source's audio, when it has a track whose codec the container takes:
// copied packet for packet, interleaved with the video by timestamp.
async function openAudio(url, format) {
  if (!url) return null;
  try {
    const input = new Input({ source: new UrlSource(url), formats: ALL_FORMATS });
    const track = await input.getPrimaryAudioTrack();
    if (!track || !track.codec || !format.getSupportedAudioCodecs().includes(track.codec)) return null;
    const decoderConfig = await track.getDecoderConfig();
    if (!decoderConfig) return null;
    const packets = new EncodedPacketSink(track).packets();
    return { input, codec: track.codec, decoderConfig, packets, next: null, first: true, source: new EncodedAudioPacketSource(track.codec) };
  } catch {
    return null; // unreadable audio: the video is exported without it
  }
}

async function audioUntil(audio, timestampS) {
  if (!audio) return;
  for (;;) {
    if (!audio.next) {
      const r = await audio.packets.next();
      if (r.done) return;
      audio.next = r.value;
    }
    if (audio.next.timestamp > timestampS) return;
    await audio.source.add(audio.next, audio.first ? { decoderConfig: audio.decoderConfig } : undefined);
    audio.first = false;
    audio.next = null;
  }
}

async function start({ width, height, fps, audioUrl, codecs }) {
  const chosen = await chooseCodec(width, height, fps, codecs);
  if (!chosen.codec) {
    self.postMessage({ op: 'unsupported', tried: chosen.tried });
    return;
  }
  const format = chosen.container === 'mp4' ? new Mp4OutputFormat() : new WebMOutputFormat();
  const output = new Output({ format, target: new BufferTarget() });
  const video = new EncodedVideoPacketSource(chosen.muxCodec);
  output.addVideoTrack(video, { frameRate: fps });
  const audio = await openAudio(audioUrl, format);
  if (audio) output.addAudioTrack(audio.source);
  await output.start();
  // Chunks reach the muxer in order, one add at a time.
  let muxing = Promise.resolve();
  let failure = null;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => {
      const packet = EncodedPacket.fromEncodedChunk(chunk);
      muxing = muxing.then(async () => {
        await audioUntil(audio, packet.timestamp);
        await video.add(packet, meta);
        job.encoded++;
        if (job.finishing) self.postMessage({ op: 'progress', encoded: job.encoded, total: job.submitted });
      }).catch((e) => { failure = failure || e; });
    },
    error: (e) => { failure = failure || e; },
  });
  encoder.configure(chosen.config);
  job = {
    encoder, output, audio, submitted: 0, encoded: 0, finishing: false,
    lastKeyUs: null, lastEndUs: 0, firstUs: null,
    muxed: () => muxing, failed: () => failure, width, height,
  };
  self.postMessage({ op: 'started', codec: chosen.codec, container: chosen.container, tried: chosen.tried });
}

const dequeued = (encoder) => new Promise((resolve) => encoder.addEventListener('dequeue', resolve, { once: true }));

async function frame({ rgba, timestampUs, durationUs }) {
  if (job.failed()) throw job.failed();
  const { encoder, width, height } = job;
  const vf = new VideoFrame(new Uint8Array(rgba), { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: timestampUs, duration: durationUs });
  const keyFrame = job.lastKeyUs === null || timestampUs - job.lastKeyUs >= KEYFRAME_EVERY_S * 1e6;
  if (keyFrame) job.lastKeyUs = timestampUs;
  try {
    encoder.encode(vf, { keyFrame });
  } finally {
    vf.close();
  }
  if (job.firstUs === null) job.firstUs = timestampUs;
  job.lastEndUs = timestampUs + durationUs;
  job.submitted++;
  while (encoder.encodeQueueSize > MAX_QUEUE) await dequeued(encoder);
  self.postMessage({ op: 'ack' });
}

async function finish() {
  job.finishing = true;
  self.postMessage({ op: 'progress', encoded: job.encoded, total: job.submitted });
  await job.encoder.flush();
  await job.muxed();
  if (job.failed()) throw job.failed();
  job.encoder.close();
  await audioUntil(job.audio, Infinity);
  if (job.audio) job.audio.source.close();
  await job.output.finalize();
  const mimeType = await job.output.getMimeType();
  const bytes = job.output.target.buffer;
  self.postMessage({
    op: 'done', bytes, mimeType, frames: job.encoded, durationUs: job.lastEndUs - job.firstUs, audio: !!job.audio,
  }, [bytes]);
  job = null;
}

self.onmessage = async (event) => {
  const msg = event.data || {};
  try {
    if (msg.op === 'start') await start(msg);
    else if (msg.op === 'frame') await frame(msg);
    else if (msg.op === 'finish') await finish();
  } catch (e) {
    self.postMessage({ op: 'failed', message: String((e && e.message) || e) });
  }
};
