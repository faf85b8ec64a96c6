// Custom search attributes (registered by temporal-dev.sh and the test harness; keep in sync).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SessionPhaseKey = defineSearchAttributeKey('SessionPhase', SearchAttributeType.KEYWORD);
export const VenueIdKey = defineSearchAttributeKey('VenueId', SearchAttributeType.KEYWORD);
export const BookingIdKey = defineSearchAttributeKey('BookingId', SearchAttributeType.KEYWORD);
export const NeedsAttentionKey = defineSearchAttributeKey('NeedsAttention', SearchAttributeType.BOOL);

export const SEARCH_ATTRIBUTES = ['SessionPhase=Keyword', 'VenueId=Keyword', 'BookingId=Keyword', 'NeedsAttention=Bool'];
