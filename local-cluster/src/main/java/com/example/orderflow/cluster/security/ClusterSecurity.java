package com.example.orderflow.cluster.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.SecuredMode;

/**
 * The secrets of one secured cluster and every setting derived from them. A small CA
 * signs one certificate that the three nodes share ({@code CN=kafka-broker}, valid for
 * {@value #HOST} only, so hostname verification has something to check); each principal
 * of the {@link AclMatrix}, the admin of the tooling and the brokers' own user get a
 * random SCRAM-SHA-512 password. All of it lives in {@code <data>/secrets} (owner-only),
 * is made once and kept with the data: the SCRAM credentials are written into the
 * cluster's metadata when its storage is formatted.
 */
public final class ClusterSecurity {

	/**
	 * The principal of the tooling: the launcher, {@code ./demo status}, tests' checks.
	 */
	public static final String ADMIN = "admin";

	/** The brokers' own SCRAM user on the client listener, for replication. */
	public static final String BROKER = "broker";

	/**
	 * The nodes' certificate name, and their principal on the controller listener, where
	 * they authenticate with it (mutual TLS): controllers cannot use SCRAM, whose
	 * credentials live in the metadata log they serve.
	 */
	public static final String NODE_CERTIFICATE_NAME = "kafka-broker";

	/** The only host name in the nodes' certificate: clients must connect by it. */
	public static final String HOST = "localhost";

	/** The principal of billing's comparison, beside billing-v2 in its process. */
	public static final String COMPARISON = "billing-comparison";

	/** The principal each service runs as, by the launcher's names of the services. */
	public static final Map<String, String> PRINCIPAL_OF_SERVICE = Map.of(Stack.ORDERS, "orders", Stack.BILLING,
			"billing", Stack.BILLING_V2, "billing-v2", Stack.BILLING_V2_LIVE, "billing-v2-live", Stack.SHIPPING,
			"shipping", Stack.FRAUD, "fraud", Stack.NOTIFICATION, "notification");

	private static final String PASSWORDS = "passwords.properties";

	private static final String KEYSTORE_PASSWORD = "keystore";

	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

	private static final int PASSWORD_LENGTH = 32;

	private static final int VALIDITY_DAYS = 90;

	private final Path directory;

	private final Map<String, String> passwords;

	private ClusterSecurity(Path directory, Map<String, String> passwords) {
		this.directory = directory;
		this.passwords = Map.copyOf(passwords);
	}

	/** Where the secrets of a data directory live. */
	public static Path directory(Path dataDirectory) {
		return dataDirectory.resolve("secrets");
	}

	/** The secrets of a data directory, if it holds a secured cluster. */
	public static Optional<ClusterSecurity> existing(Path dataDirectory) {
		Path directory = directory(dataDirectory);
		if (!Files.isRegularFile(directory.resolve(PASSWORDS))) {
			return Optional.empty();
		}
		Properties stored = new Properties();
		try (InputStream in = Files.newInputStream(directory.resolve(PASSWORDS))) {
			stored.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, String> passwords = new TreeMap<>();
		stored.stringPropertyNames().forEach((name) -> passwords.put(name, stored.getProperty(name)));
		return Optional.of(new ClusterSecurity(directory, passwords));
	}

	/**
	 * The secrets of a data directory, made now if it has none: a CA, the nodes'
	 * keystore, the CA's certificate as a PEM trust store and a password per principal.
	 * The CA's private key is deleted once it has signed: nobody can sign another
	 * certificate this cluster trusts.
	 */
	public static ClusterSecurity prepare(Path dataDirectory, Consumer<String> progress) {
		Optional<ClusterSecurity> existing = existing(dataDirectory);
		if (existing.isPresent()) {
			progress.accept("secured mode: certificates and passwords found in " + directory(dataDirectory));
			return existing.get().withPasswordsForNewPrincipals(progress);
		}
		long started = System.nanoTime();
		Path directory = directory(dataDirectory);
		SecureRandom random = new SecureRandom();
		Map<String, String> passwords = new TreeMap<>();
		principals().forEach((principal) -> passwords.put(principal, password(random)));
		passwords.put(KEYSTORE_PASSWORD, password(random));
		String caPassword = password(random);
		try {
			Files.createDirectories(directory);
			Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
			Keytool keytool = new Keytool(directory);
			String validity = Integer.toString(VALIDITY_DAYS);
			keytool.run(caPassword, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
					"CN=orderflow-local-ca", "-ext", "bc:c", "-validity", validity, "-keystore", "ca.p12");
			keytool.run(caPassword, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.crt");
			String keystorePassword = passwords.get(KEYSTORE_PASSWORD);
			keytool.run(keystorePassword, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
					"-dname", "CN=" + NODE_CERTIFICATE_NAME, "-validity", validity, "-keystore", "broker.p12");
			keytool.run(keystorePassword, "-certreq", "-alias", "broker", "-keystore", "broker.p12", "-file",
					"broker.csr");
			keytool.run(caPassword, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "broker.csr",
					"-outfile", "broker.crt", "-rfc", "-validity", validity, "-ext", "san=dns:" + HOST, "-ext",
					"eku=serverAuth,clientAuth");
			keytool.run(keystorePassword, "-importcert", "-noprompt", "-alias", "ca", "-keystore", "broker.p12",
					"-file", "ca.crt");
			keytool.run(keystorePassword, "-importcert", "-noprompt", "-alias", "broker", "-keystore", "broker.p12",
					"-file", "broker.crt");
			for (String leftover : List.of("ca.p12", "broker.csr", "broker.crt")) {
				Files.delete(directory.resolve(leftover));
			}
			Files.setPosixFilePermissions(directory.resolve("broker.p12"), OWNER_ONLY_FILE);
			writePasswords(directory, passwords);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the secrets to " + directory, ex);
		}
		progress
			.accept("secured mode: a CA, the nodes' certificate (for %s) and %d SCRAM passwords made in %s in %.1f s"
				.formatted(HOST, principals().size(), directory, (System.nanoTime() - started) / 1e9));
		return new ClusterSecurity(directory, passwords);
	}

	/**
	 * A principal added to the matrix after the cluster was formatted gets its password
	 * now; the launcher creates its SCRAM user once the cluster runs
	 * ({@link #principals()} against the users the cluster has).
	 */
	private ClusterSecurity withPasswordsForNewPrincipals(Consumer<String> progress) {
		Map<String, String> passwords = new TreeMap<>(this.passwords);
		SecureRandom random = new SecureRandom();
		List<String> added = new ArrayList<>();
		for (String principal : principals()) {
			if (!passwords.containsKey(principal)) {
				passwords.put(principal, password(random));
				added.add(principal);
			}
		}
		if (added.isEmpty()) {
			return this;
		}
		try {
			writePasswords(this.directory, passwords);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the passwords to " + this.directory, ex);
		}
		progress.accept("secured mode: passwords made for the new principal(s) " + added);
		return new ClusterSecurity(this.directory, passwords);
	}

	private static void writePasswords(Path directory, Map<String, String> passwords) throws IOException {
		Path file = directory.resolve(PASSWORDS);
		Path written = directory.resolve(PASSWORDS + ".new");
		Properties stored = new Properties();
		stored.putAll(passwords);
		Files.deleteIfExists(written);
		try (OutputStream out = Files.newOutputStream(written, StandardOpenOption.CREATE_NEW)) {
			// Owner-only before the first byte is written.
			Files.setPosixFilePermissions(written, OWNER_ONLY_FILE);
			stored.store(out, "SCRAM passwords of this cluster's principals; owner-only, never in git");
		}
		Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/** The matrix's principals, the admin and the brokers' own user. */
	public static Set<String> principals() {
		Set<String> principals = new LinkedHashSet<>(AclMatrix.load().principals());
		principals.add(ADMIN);
		principals.add(BROKER);
		return principals;
	}

	private static String password(SecureRandom random) {
		StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
		for (int i = 0; i < PASSWORD_LENGTH; i++) {
			password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return password.toString();
	}

	public Path directory() {
		return this.directory;
	}

	/** The CA's certificate, PEM: what every client trusts. */
	public Path truststore() {
		return this.directory.resolve("ca.crt");
	}

	Path keystore() {
		return this.directory.resolve("broker.p12");
	}

	/**
	 * A principal's password. Only for the launcher's children and for tests that prove
	 * it appears in no log; never print it.
	 */
	public String password(String principal) {
		String password = this.passwords.get(principal);
		if (password == null || principal.equals(KEYSTORE_PASSWORD)) {
			throw new IllegalArgumentException("No principal " + principal);
		}
		return password;
	}

	/**
	 * Every password this cluster has, for tests that look for them where they must not
	 * be.
	 */
	public List<String> allPasswords() {
		return List.copyOf(this.passwords.values());
	}

	/** The arguments of {@code kafka-storage format} that create every SCRAM user. */
	public List<String> formatArguments() {
		List<String> arguments = new ArrayList<>();
		this.passwords.forEach((principal, password) -> {
			if (!principal.equals(KEYSTORE_PASSWORD)) {
				arguments.add("--add-scram");
				arguments.add(SecuredMode.MECHANISM + "=[name=" + principal + ",password=" + password + "]");
			}
		});
		return arguments;
	}

	/**
	 * A node's listeners and security: SASL_SSL (SCRAM) for clients and replication,
	 * mutual TLS for the controllers, the KRaft authorizer denying whatever no ACL
	 * allows.
	 * @param brokerPort the client listener's port
	 * @param controllerPort the controller listener's port
	 */
	public String nodeConfiguration(int brokerPort, int controllerPort) {
		return """
				listeners=CLIENT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
				# Clients and replicas connect by the name the certificate carries.
				advertised.listeners=CLIENT://%3$s:%1$d,CONTROLLER://%3$s:%2$d
				controller.listener.names=CONTROLLER
				inter.broker.listener.name=CLIENT
				listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SSL
				sasl.enabled.mechanisms=%4$s
				sasl.mechanism.inter.broker.protocol=%4$s
				listener.name.client.scram-sha-512.sasl.jaas.config=%5$s
				# Controllers cannot check SCRAM (its credentials live in the log they serve):
				# nodes show them the shared node certificate instead.
				listener.name.controller.ssl.client.auth=required
				ssl.keystore.type=PKCS12
				ssl.keystore.location=%6$s
				ssl.keystore.password=%7$s
				ssl.truststore.type=PEM
				ssl.truststore.location=%8$s
				ssl.endpoint.identification.algorithm=https
				ssl.principal.mapping.rules=RULE:^CN=([^,]+)$/$1/,DEFAULT
				authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
				allow.everyone.if.no.acl.found=false
				# The nodes (certificate and SCRAM user) and the tooling's admin, which creates the ACLs.
				super.users=User:%9$s;User:%10$s;User:%11$s
				""".formatted(brokerPort, controllerPort, HOST, SecuredMode.MECHANISM, jaas(BROKER, password(BROKER)),
				path(keystore()), this.passwords.get(KEYSTORE_PASSWORD), path(truststore()), NODE_CERTIFICATE_NAME,
				BROKER, ADMIN);
	}

	/** Every principal and its password, for the users the launcher creates. */
	public Map<String, String> principalPasswords() {
		Map<String, String> principals = new TreeMap<>();
		principals().forEach((principal) -> principals.put(principal, password(principal)));
		return principals;
	}

	/** A Kafka client's security settings as a principal. */
	public Map<String, Object> clientProperties(String principal) {
		return clientProperties(principal, password(principal), truststore());
	}

	/** A Kafka client's security settings for any user name and password. */
	public static Map<String, Object> clientProperties(String user, String password, Path truststore) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("security.protocol", "SASL_SSL");
		properties.put("sasl.mechanism", SecuredMode.MECHANISM);
		properties.put("sasl.jaas.config", jaas(user, password));
		properties.put("ssl.truststore.type", "PEM");
		properties.put("ssl.truststore.location", path(truststore));
		properties.put("ssl.endpoint.identification.algorithm", "https");
		return properties;
	}

	/**
	 * The environment of a service running as a principal, read by its {@code secure}
	 * profile.
	 */
	public Map<String, String> serviceEnvironment(String principal) {
		return Map.of(SecuredMode.USERNAME_VARIABLE, principal, SecuredMode.PASSWORD_VARIABLE, password(principal),
				SecuredMode.TRUSTSTORE_VARIABLE, path(truststore()));
	}

	/**
	 * A service of the launcher as its principal: the {@value SecuredMode#PROFILE}
	 * profile on, its credentials and the CA in its environment.
	 */
	public ServiceProcess.Spec secured(ServiceProcess.Spec spec) {
		String principal = PRINCIPAL_OF_SERVICE.get(spec.name());
		if (principal == null) {
			throw new IllegalArgumentException("No principal for service " + spec.name());
		}
		Map<String, String> environment = new LinkedHashMap<>(serviceEnvironment(principal));
		if (spec.name().equals(Stack.BILLING_V2)) {
			// The comparison in the same process reads as a principal of its own.
			environment.put(SecuredMode.COMPARISON_USERNAME_VARIABLE, COMPARISON);
			environment.put(SecuredMode.COMPARISON_PASSWORD_VARIABLE, password(COMPARISON));
		}
		return spec.with(List.of("--spring.profiles.active=" + SecuredMode.PROFILE), environment);
	}

	static String jaas(String user, String password) {
		return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
				+ password + "\";";
	}

	private static String path(Path path) {
		return path.toAbsolutePath().toString().replace('\\', '/');
	}

	@Override
	public String toString() {
		// Never the passwords.
		return "ClusterSecurity[" + this.directory + ", principals " + this.passwords.keySet() + "]";
	}

}
