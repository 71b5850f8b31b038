package com.example.orderflow.cluster.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ClassDataSharingTests {

	@TempDir
	Path directory;

	@Test
	void aJarWithoutAnArchiveStartsFromTheJarWithTheServicesFlags() throws Exception {
		Path jar = Files.writeString(this.directory.resolve("some-service.jar"), "not yet archived");

		List<String> launch = ClassDataSharing.launch(jar);

		assertThat(launch).containsExactly("-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
				jar.toAbsolutePath().toString());
	}

	@Test
	void aJarThatCannotBeTrainedIsSaidAndStillStartsFromTheJar() throws Exception {
		Path jar = Files.writeString(this.directory.resolve("broken-service.jar"), "not a Spring Boot jar");
		List<String> said = new ArrayList<>();

		ClassDataSharing.prepare(List.of(jar), said::add);

		assertThat(said).anyMatch((line) -> line.startsWith("making class-data archives for 1 service jar(s)"))
			.anyMatch(
					(line) -> line.startsWith("no class-data archive for broken-service.jar (it starts without one)"));
		assertThat(ClassDataSharing.launch(jar)).noneMatch((argument) -> argument.startsWith("-XX:SharedArchiveFile"))
			.endsWith("-jar", jar.toAbsolutePath().toString());
		assertThat(this.directory.resolve("cds").resolve("broken-service.jar")).doesNotExist();
		assertThat(this.directory.resolve("cds").resolve("broken-service.jar.training.log")).exists();
	}

}
