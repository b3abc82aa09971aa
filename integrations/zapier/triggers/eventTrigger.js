'use strict';

const { apiUrl } = require('../service');
const samples = require('../samples');

/**
 * An instant trigger on one of the platform's events, as a REST hook: turning the Zap on subscribes Zapier's target
 * URL (POST /api/hooks), turning it off unsubscribes (DELETE /api/hooks/{id}); the service POSTs the event's data to
 * the target URL, which is what `perform` hands on. `performList` shows the account's recent events of that type
 * (or an example while there is none) when the user tests the trigger.
 */
const eventTrigger = ({ key, event, noun, label, description }) => ({
  key,
  noun,
  display: { label, description },
  operation: {
    type: 'hook',

    performSubscribe: async (z, bundle) => {
      const response = await z.request({
        url: apiUrl('hooks'),
        method: 'POST',
        body: { event, url: bundle.targetUrl, app: 'zapier' },
      });
      return response.data; // the webhook, with its id: Zapier keeps it as bundle.subscribeData
    },

    performUnsubscribe: async (z, bundle) => {
      const response = await z.request({
        url: apiUrl(`hooks/${encodeURIComponent(bundle.subscribeData.id)}`),
        method: 'DELETE',
        skipThrowForStatus: true,
      });
      // 404: the webhook is gone already (its target answered 410 Gone, or it was deleted on the service).
      if (response.status !== 204 && response.status !== 404) response.throwForStatus();
      return { id: bundle.subscribeData.id, unsubscribed: true };
    },

    perform: (z, bundle) => [bundle.cleanedRequest],

    performList: async (z, bundle) => {
      const response = await z.request({ url: apiUrl('events/recent'), params: { event, limit: 10 } });
      return response.data.map((recent) => recent.data);
    },

    sample: samples[event],
  },
});

module.exports = eventTrigger;
