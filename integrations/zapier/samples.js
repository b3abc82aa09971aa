'use strict';

// The documented shape of each event's data: the same examples the service answers from GET /api/events/recent
// while an account has published none of that type yet (a test compares them).
module.exports = {
  optin_finalized: {
    id: 371,
    optinsetup_id: 60,
    subscriber_id: 6049065,
    fields: [{ id: 1, value: 'max.muster@example.com' }],
    lists: [{ id: 1, value: 1 }, { id: 3, value: 0 }],
    activate_at: '2025-11-11 09:27:29',
  },
  optout_finalized: {
    id: 912,
    optoutsetup_id: 14,
    subscriber_id: 6049065,
    fields: [{ id: 1, value: 'max.muster@example.com' }],
    lists: [{ id: 1, value: 0 }, { id: 3, value: 0 }],
    deactivate_at: '2025-11-12 16:04:51',
  },
  profilemanager_finalized: {
    id: 1544,
    profilemanager_id: 7,
    subscriber_id: 6049065,
    fields: [
      { id: 1, value: 'max.muster@example.com' },
      { id: 2, value: 'Max' },
      { id: 3, value: 'Muster' },
    ],
    lists: [{ id: 1, value: 1 }, { id: 3, value: 1 }],
    changed_at: '2025-11-13 10:15:02',
  },
};
