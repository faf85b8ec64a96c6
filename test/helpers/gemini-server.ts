// A local server that answers Gemini's REST generateContent calls with recorded turns.
import express from 'express';
import { listen } from './stack.js';

export const RECORDED_TWO_STEP = [
  {
    candidates: [
      {
        index: 0,
        finishReason: 'STOP',
        content: {
          role: 'model',
          parts: [
            { functionCall: { name: 'reschedule_booking', args: { newStart: '2026-12-12T15:00:00+11:00', evidence: { newStart: 'Saturday 12 December at 3pm' } } } },
            { functionCall: { name: 'update_guest_count', args: { itemId: 'it-1001-a', quantity: 8, evidence: { itemId: 'kids', quantity: 'add two kids' } } } },
          ],
        },
      },
    ],
    usageMetadata: { promptTokenCount: 812, candidatesTokenCount: 64, totalTokenCount: 876 },
  },
  {
    candidates: [{ index: 0, finishReason: 'STOP', content: { role: 'model', parts: [{ functionCall: { name: 'submit_plan', args: { summary: 'Move the party to Sat 12 Dec 15:00 with 8 children.' } } }] } }],
    usageMetadata: { promptTokenCount: 930, candidatesTokenCount: 20, totalTokenCount: 950 },
  },
];

export async function startGeminiServer(turns: unknown[] = RECORDED_TWO_STEP) {
  const requests: Array<{ path: string; apiKey?: string; body: any }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.post(/.*/, (req, res) => {
    requests.push({ path: req.path, apiKey: req.get('x-goog-api-key'), body: req.body });
    const answer = turns[requests.length - 1];
    if (!answer) return void res.status(500).json({ error: { code: 500, message: 'no more recorded turns', status: 'INTERNAL' } });
    res.json(answer);
  });
  const l = await listen(app);
  return { url: l.url, requests, close: () => l.server.close() };
}
