// What the Temporal UI shows as the session's "Current Details" (markdown): phase, outcome, recovery
// steps first, so an operator does not dig through the result JSON. Pure: runs inside the workflow.
import type { SessionState } from '../contracts/types.js';

export function currentDetails(s: SessionState): string {
  const lines = [`**Phase:** ${s.phase}`];
  if (s.booking?.reference) lines.push(`**Booking:** ${s.booking.reference}`);
  if (s.outcome) {
    lines.push(`**Outcome:** ${s.outcome.message}`);
    if (s.outcome.code) lines.push(`**Code:** ${s.outcome.code}`);
    if (s.outcome.recovery.length) lines.push(`**Recovery steps:**\n\n${s.outcome.recovery.map((r, i) => `${i + 1}. ${r}`).join('\n')}`);
  } else if (s.clarification) {
    lines.push(`**Waiting for an answer:** ${s.clarification.question}`);
  } else if (s.plan) {
    lines.push(`**Plan:** ${s.plan.summary}`);
  }
  if (s.steps.length) lines.push(`**Steps:** ${s.steps.map((st) => `${st.index + 1} ${st.status}`).join(' · ')}`);
  // one paragraph per line (markdown joins single line breaks)
  return lines.join('\n\n');
}
