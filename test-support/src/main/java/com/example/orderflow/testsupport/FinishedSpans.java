package com.example.orderflow.testsupport;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.awaitility.Awaitility.await;

/**
 * Every span the application finished, as a trace store would receive it, kept in memory.
 * {@code @Import} it into a test with {@code @AutoConfigureTracing} (and sampling at
 * 1.0), then look spans up by id or by parent.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FinishedSpans {

	private final ConcurrentLinkedQueue<MutableSpan> spans = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<MutableSpan> orphaned = new ConcurrentLinkedQueue<>();

	@Bean
	SpanHandler finishedSpansHandler() {
		return new SpanHandler() {

			@Override
			public boolean end(TraceContext context, MutableSpan span, Cause cause) {
				FinishedSpans.this.spans.add(span);
				if (cause == Cause.ORPHANED) {
					FinishedSpans.this.orphaned.add(span);
				}
				return true;
			}

		};
	}

	/** Waits until the span with this id has finished. */
	public MutableSpan awaitSpan(String spanId) {
		return await().until(() -> find((span) -> spanId.equals(span.id())), Optional::isPresent).orElseThrow();
	}

	/** Waits until a span whose parent has this id has finished. */
	public MutableSpan awaitChildOf(String parentId) {
		return await().until(() -> find((span) -> parentId.equals(span.parentId())), Optional::isPresent).orElseThrow();
	}

	/** The finished spans whose parent has this id, in the order they finished. */
	public List<MutableSpan> childrenOf(String parentId) {
		return this.spans.stream().filter((span) -> parentId.equals(span.parentId())).toList();
	}

	/**
	 * Spans Brave reported as orphaned: started or taken up for a context, then dropped
	 * without being finished (a trace store gets them as pieces without a name). Brave
	 * finds them once they were garbage collected.
	 */
	public List<MutableSpan> orphaned() {
		return List.copyOf(this.orphaned);
	}

	private Optional<MutableSpan> find(Predicate<MutableSpan> which) {
		return this.spans.stream().filter(which).findFirst();
	}

}
