/** Signing at the kiosk: the signature pad, the handwritten acknowledgement and its recognition. */
export { default as SignaturePad } from './SignaturePad.svelte';
export { default as HandwritingPad } from './HandwritingPad.svelte';
export * from './types.ts';
export * from './strokes.ts';
export * from './handwriting-recognition.ts';
