import { mount } from 'svelte';
import Harness from './Harness.svelte';
import { renderLineForRecognition } from '../handwriting-recognition.ts';
import { lineUpGridRows } from '../strokes.ts';
mount(Harness, { target: document.getElementById('app')! });
(window as any).__ocrImage = (strokes: any, grid: any) => renderLineForRecognition(lineUpGridRows(strokes, grid), grid).toDataURL('image/png');
