// Failure messages and stack traces are not payloads by default; this moves them into an encoded
// payload so the codec encrypts them too. Loaded by path (it also runs inside the workflow bundle).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
