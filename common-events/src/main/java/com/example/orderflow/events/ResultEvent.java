package com.example.orderflow.events;

import java.util.UUID;

/**
 * An event a consumer service produced in answer to an {@link OrderEvent}.
 * {@link #causationId()} is the {@code eventId} of that order event, so "exactly one
 * output per input per group" can be counted from the output topic alone.
 */
public interface ResultEvent extends DomainEvent {

	UUID causationId();

}
