/* global module */
// Artillery hook: a random existing customer (1..10,000) per order, sent as a JSON number
// (a templated "{{ }}" value would arrive as a string, which the API rightly refuses).
module.exports = {
  orderBody(requestParams, context, events, next) {
    requestParams.json = { customerId: 1 + Math.floor(Math.random() * 10000) };
    next();
  },
};
