import { relations } from "drizzle-orm";
import { apiKeys } from "./api-key.schema.js";
import { budgetPeriods, budgetReservations } from "./budget.schema.js";
import { completionRequests } from "./completion-request.schema.js";
import { conversations, messages } from "./conversation.schema.js";

export const apiKeysRelations = relations(apiKeys, ({ many }) => ({
  conversations: many(conversations),
  completionRequests: many(completionRequests),
  budgetPeriods: many(budgetPeriods),
  budgetReservations: many(budgetReservations),
}));

export const conversationsRelations = relations(conversations, ({ one, many }) => ({
  apiKey: one(apiKeys, { fields: [conversations.apiKeyId], references: [apiKeys.id] }),
  messages: many(messages),
  completionRequests: many(completionRequests),
}));

export const messagesRelations = relations(messages, ({ one }) => ({
  conversation: one(conversations, { fields: [messages.conversationId], references: [conversations.id] }),
  completionRequest: one(completionRequests, {
    fields: [messages.completionRequestId],
    references: [completionRequests.id],
  }),
}));

export const completionRequestsRelations = relations(completionRequests, ({ one }) => ({
  apiKey: one(apiKeys, { fields: [completionRequests.apiKeyId], references: [apiKeys.id] }),
  conversation: one(conversations, {
    fields: [completionRequests.conversationId],
    references: [conversations.id],
  }),
}));

export const budgetPeriodsRelations = relations(budgetPeriods, ({ one }) => ({
  apiKey: one(apiKeys, { fields: [budgetPeriods.apiKeyId], references: [apiKeys.id] }),
}));

export const budgetReservationsRelations = relations(budgetReservations, ({ one }) => ({
  apiKey: one(apiKeys, { fields: [budgetReservations.apiKeyId], references: [apiKeys.id] }),
}));
