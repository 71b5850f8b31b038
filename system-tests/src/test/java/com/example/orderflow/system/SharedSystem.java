package com.example.orderflow.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a system-test class the {@link RunningSystem} it names as a parameter of a
 * {@code @BeforeAll} or {@code @BeforeEach} method, shared by every class of the test
 * run: starting the ten processes takes a minute or more on two cores, so it happens
 * once, and the system is stopped, with the check that no process is left, when the run
 * ends. It runs secured ({@code ./demo up --secure}), so every test also shows that its
 * path works with each service as its own principal under the ACL matrix; the plaintext
 * cluster differs only in the listener (local-cluster's tests start it).
 * <p>
 * Sharing makes no test depend on another: each counts only the orders and records it
 * made, and leaves the system as it found it. After every test this checks that it did
 * ({@link RunningSystem#changesSinceStart}); a test that left a node down, an instance
 * added or billing cut over fails, and the next test is given a new system. After every
 * class it scans every log of the system
 * ({@link RunningSystem#assertNoRefusalAndNoSecretInLogs}): after all of the class's
 * tests whatever their order, so no test depends on another's place in the run, and a
 * failure fails the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(SharedSystem.Extension.class)
@interface SharedSystem {

	/** Keeps the one running system in the store of the whole test run. */
	final class Extension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

		private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
			.create(SharedSystem.class);

		@Override
		public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
			return parameter.getParameter().getType() == RunningSystem.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
			return current(context).system();
		}

		@Override
		public void afterEach(ExtensionContext context) {
			current(context).checkUnchanged(
					context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
		}

		@Override
		public void afterAll(ExtensionContext context) throws IOException {
			current(context).checkLogs();
		}

		private static Current current(ExtensionContext context) {
			return context.getRoot().getStore(NAMESPACE).computeIfAbsent(Current.class);
		}

	}

	/**
	 * The system running now, if any; closed by JUnit with the root store, when the run
	 * ends.
	 */
	final class Current implements AutoCloseable {

		private RunningSystem system;

		/** Why the running system may not be handed out again, or null. */
		private String changed;

		synchronized RunningSystem system() {
			if (this.system != null && this.changed != null) {
				System.out.println("[system] stopping the running system: " + this.changed);
				stop();
			}
			if (this.system == null) {
				try {
					this.system = RunningSystem.start();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
			return this.system;
		}

		/** No refusal and no secret in any log of the running system. */
		synchronized void checkLogs() throws IOException {
			if (this.system != null) {
				this.system.assertNoRefusalAndNoSecretInLogs();
			}
		}

		synchronized void checkUnchanged(String test) {
			if (this.system == null || this.changed != null) {
				return;
			}
			List<String> changes = this.system.changesSinceStart();
			if (!changes.isEmpty()) {
				this.changed = test + " left " + String.join("; ", changes);
				throw new AssertionError(this.changed + " (the next test gets a new system)");
			}
		}

		private void stop() {
			RunningSystem stopping = this.system;
			this.system = null;
			this.changed = null;
			RunningSystem.stopAndCheckNothingIsLeft(stopping);
		}

		@Override
		public synchronized void close() {
			stop();
		}

	}

}
