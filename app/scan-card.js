// Reads a participant card's QR code with the phone's camera. The browser's own
// BarcodeDetector is used where it reads QR codes (Android, ChromeOS, macOS); elsewhere jsQR,
// copied into the build at /vendor/jsQR.js, is loaded the first time the camera is opened, so
// it costs nothing on the first visit (the service worker keeps it for offline once fetched).
const JSQR_URL = '/vendor/jsQR.js';
let jsqr = null;

function loadJsQR() {
  if (!jsqr) {
    jsqr = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = JSQR_URL;
      script.onload = () => resolve(window.jsQR);
      script.onerror = () => {
        jsqr = null;
        script.remove();
        reject(new Error('The QR reader could not be loaded: type the code under the QR code instead.'));
      };
      document.head.appendChild(script);
    });
  }
  return jsqr;
}

async function reader() {
  if ('BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) {
        const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        return async (video) => {
          const codes = await detector.detect(video);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    } catch {
      // Fall through to jsQR.
    }
  }
  const decode = await loadJsQR();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return null;
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const found = decode(context.getImageData(0, 0, width, height).data, width, height, {
      inversionAttempts: 'attemptBoth',
    });
    return found ? found.data : null;
  };
}

// Shows the back camera in `video` until a QR code is read (its text) or `signal` aborts
// (null). The camera is always released.
export async function scanCard(video, signal) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment' },
    audio: false,
  });
  try {
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute('playsinline', '');
    await video.play();
    const read = await reader();
    while (!signal.aborted) {
      const text = await read(video);
      if (text) return text;
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    return null;
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}
