package com.example.orderflow.kafka.consumer;

import java.time.Duration;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.listener.CommonContainerStoppingErrorHandler;
import org.springframework.kafka.listener.ListenerUtils;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * What a consumer service's listener container does with an exception that reaches it: it
 * stops, rather than guess where its consumer stands, unless the exception only says that
 * the group or the cluster moved under a {@code poll()}.
 * <ul>
 * <li>From a listener: stop. {@link ConsumeTransformProduce} settles every failure of a
 * record and of a transaction itself; what escapes it is a defect, and readiness says so
 * (DOWN).</li>
 * <li>From {@code poll()}, when the group fenced this member or moved on to a newer epoch
 * while the consumer fetched its committed offsets, or the cluster answered with a
 * retriable error: nothing was handed to a listener, so the positions are where they
 * were, and the next poll asks again with the member's current epoch. Kafka 4.3.1's
 * consumer-protocol consumer throws {@link StaleMemberEpochException} out of
 * {@code poll()} in exactly that case (its offset fetch for new partitions "cannot be
 * retried"), and the old handler stopped on it: the likely end, read from Kafka's code,
 * of a notification-service container that stayed stopped after two brokers of three had
 * been down (README, "Two of three down"). Logged, then polled again after a pause.</li>
 * <li>Anything else outside a listener: stop, as from a listener.</li>
 * </ul>
 */
class StopOnUnknownErrors extends CommonContainerStoppingErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(StopOnUnknownErrors.class);

	/** Between a poll that failed on a group or cluster change and the next one. */
	static final Duration PAUSE = Duration.ofSeconds(1);

	@Override
	public void handleOtherException(Exception thrownException, Consumer<?, ?> consumer,
			MessageListenerContainer container, boolean batchListener) {
		if (!movedUnderThePoll(thrownException)) {
			super.handleOtherException(thrownException, consumer, container, batchListener);
			return;
		}
		logger.warn("{}: the group or the cluster moved under a poll ({}: {}); polling again in {} ms",
				container.getListenerId(), thrownException.getClass().getSimpleName(), thrownException.getMessage(),
				PAUSE.toMillis());
		try {
			ListenerUtils.stoppableSleep(container, PAUSE.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Whether the exception only says that the group or the cluster changed while the
	 * consumer polled: a new poll settles it.
	 */
	static boolean movedUnderThePoll(Exception thrown) {
		return thrown instanceof StaleMemberEpochException || thrown instanceof UnknownMemberIdException
				|| thrown instanceof RebalanceInProgressException || thrown instanceof RetriableException;
	}

}
