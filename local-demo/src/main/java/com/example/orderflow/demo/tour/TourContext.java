package com.example.orderflow.demo.tour;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.drill.OrdersClient;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.demo.trace.OrderTraces;

/**
 * What every step of the tour works with: the running system, where to tell and draw, and
 * the customerIds of every order the tour had acknowledged, which the last step counts.
 */
public final class TourContext {

	private final SystemProcesses processes;

	private final Consumer<String> progress;

	private final Consumer<String> out;

	private final double ordersPerSecond;

	private final OrderTraces traces;

	private final List<String> acknowledged = new CopyOnWriteArrayList<>();

	/**
	 * @param progress stamped progress lines
	 * @param out explanations, diagrams and tables, as they are
	 * @param ordersPerSecond the open-loop load of the steps that need one
	 * @param traces the trace store the services export to
	 */
	public TourContext(SystemProcesses processes, Consumer<String> progress, Consumer<String> out,
			double ordersPerSecond, OrderTraces traces) {
		this.processes = processes;
		this.progress = progress;
		this.out = out;
		this.ordersPerSecond = ordersPerSecond;
		this.traces = traces;
	}

	public SystemProcesses processes() {
		return this.processes;
	}

	public Map<String, Object> clientProperties() {
		return this.processes.clientProperties();
	}

	public URI uri(String service) {
		return this.processes.serviceUri(service);
	}

	public OrdersClient orders() {
		return new OrdersClient(uri(Stack.ORDERS), this.progress);
	}

	public Consumer<String> progress() {
		return this.progress;
	}

	/** Prints a block of text (a diagram, a table) as it is. */
	public void print(String text) {
		this.out.accept(text);
	}

	/** Every order's trace, as the services exported it. */
	public OrderTraces traces() {
		return this.traces;
	}

	public double ordersPerSecond() {
		return this.ordersPerSecond;
	}

	/** Remembers orders the system acknowledged, for the exactly-once count. */
	public void acknowledged(List<String> customerIds) {
		this.acknowledged.addAll(customerIds);
	}

	public List<String> acknowledged() {
		return List.copyOf(this.acknowledged);
	}

}
