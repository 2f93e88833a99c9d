package com.oneshotct.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every deployment file parses, and the environment it gives the workers is the environment the code reads: no
 * variable the code ignores, none the code requires missing. The variables the code reads are collected from the
 * sources (string literals ONESHOT_* and TEMPORAL_*), not listed here.
 */
class DeployFilesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** What a worker cannot start without (DbConfig, S3Config; Temporal's address has a default but not in a cluster). */
    private static final Set<String> REQUIRED = Set.of("TEMPORAL_ADDRESS", "ONESHOT_DB_URL", "ONESHOT_DB_USER",
            "ONESHOT_DB_PASSWORD", "ONESHOT_S3_ENDPOINT", "ONESHOT_S3_ACCESS_KEY", "ONESHOT_S3_SECRET_KEY");

    @Test
    void composeWorkersGetExactlyWhatTheCodeReads() throws IOException {
        JsonNode compose = YAML.readTree(DEPLOY.resolve("docker-compose.yml").toFile());
        Set<String> read = variablesTheCodeReads();
        for (String worker : List.of("worker-cpu", "worker-gpu")) {
            JsonNode service = compose.path("services").path(worker);
            assertTrue(service.isObject(), worker + " is a service");
            Set<String> set = new TreeSet<>();
            service.path("environment").fieldNames().forEachRemaining(set::add);
            check(worker, set, read);
        }
        JsonNode gpu = compose.path("services").path("worker-gpu").path("deploy").path("resources")
                .path("reservations").path("devices").get(0);
        assertEquals("nvidia", gpu.path("driver").asText());
        for (String service : List.of("temporal", "temporal-ui", "registry-db", "minio", "temporal-db")) {
            String image = compose.path("services").path(service).path("image").asText();
            assertTrue(image.matches(".+:[0-9A-Za-z.\\-_]*[0-9][0-9A-Za-z.\\-_]*") && !image.endsWith(":latest"),
                    service + " pins its image version: " + image);
        }
    }

    /** The image's build stage copies every module of the reactor (a module left out fails the image build). */
    @Test
    void dockerfileCopiesEveryModule() throws IOException {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        int modules = 0;
        while (m.find()) {
            modules++;
            assertTrue(dockerfile.contains("\nCOPY " + m.group(1) + " " + m.group(1) + "\n"),
                    "deploy/Dockerfile copies module " + m.group(1));
        }
        assertTrue(modules >= 6, "the root pom lists the modules");
    }

    @Test
    void kubernetesWorkersGetExactlyWhatTheCodeReadsAndRunAsNonRoot() throws IOException {
        JsonNode config = one(DEPLOY.resolve("k8s/config.yaml"));
        assertEquals("ConfigMap", config.path("kind").asText());
        Set<String> fromConfig = new TreeSet<>();
        config.path("data").fieldNames().forEachRemaining(fromConfig::add);
        Set<String> read = variablesTheCodeReads();
        for (String kind : List.of("cpu", "gpu")) {
            JsonNode d = one(DEPLOY.resolve("k8s/worker-" + kind + ".yaml"));
            assertEquals("Deployment", d.path("kind").asText());
            JsonNode pod = d.path("spec").path("template").path("spec");
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), kind + " runs as non-root");
            JsonNode c = pod.path("containers").get(0);
            Set<String> set = new TreeSet<>(fromConfig);
            for (JsonNode e : c.path("env")) {
                set.add(e.path("name").asText());
                if (e.path("name").asText().matches(".*(PASSWORD|SECRET|ACCESS_KEY).*")) {
                    assertTrue(e.has("valueFrom"), e.path("name").asText() + " comes from a Secret, not a literal");
                }
            }
            check("k8s worker-" + kind, set, read);
            assertEquals(List.of("worker", "--queues", kind), List.of(c.path("args").get(0).asText(),
                    c.path("args").get(1).asText(), c.path("args").get(2).asText()));
        }
        JsonNode gpu = one(DEPLOY.resolve("k8s/worker-gpu.yaml")).path("spec").path("template").path("spec")
                .path("containers").get(0).path("resources").path("limits");
        assertEquals(1, gpu.path("nvidia.com/gpu").asInt(), "one GPU per training pod");
    }

    @Test
    void workersUseTheLeastPrivilegedDatabaseRoleAndTheOwnerMigrates() throws IOException {
        JsonNode services = YAML.readTree(DEPLOY.resolve("docker-compose.yml").toFile()).path("services");
        for (String worker : List.of("worker-cpu", "worker-gpu")) {
            JsonNode env = services.path(worker).path("environment");
            assertEquals("oneshot_worker", env.path("ONESHOT_DB_USER").asText(), worker);
            assertEquals("false", env.path("ONESHOT_DB_MIGRATE").asText(), worker + " does not migrate");
        }
        assertEquals("service_completed_successfully", services.path("worker-cpu").path("depends_on")
                .path("registry-grants").path("condition").asText(), "workers start once the grants are made");
        JsonNode migrate = services.path("registry-migrate");
        assertEquals(List.of("db", "migrate"), List.of(migrate.path("command").get(0).asText(),
                migrate.path("command").get(1).asText()));
        assertEquals("oneshot_owner", migrate.path("environment").path("ONESHOT_DB_USER").asText());
        String grants = services.path("registry-grants").path("command").toString();
        assertTrue(grants.contains("oneshot_owner") && grants.contains("worker-grants.sql"), grants);
        assertEquals("service_completed_successfully", services.path("registry-grants").path("depends_on")
                .path("registry-migrate").path("condition").asText());
        String volumes = services.path("registry-db").path("volumes").toString();
        assertTrue(volumes.contains("/docker-entrypoint-initdb.d/"), "the roles are made on the first start");
        for (String file : List.of("roles.sql", "worker-grants.sql", "init-registry.sh")) {
            assertTrue(Files.isRegularFile(DEPLOY.resolve("sql").resolve(file)), file);
        }
        assertTrue(Files.isExecutable(DEPLOY.resolve("sql/init-registry.sh")), "the init script is executable");
        JsonNode config = one(DEPLOY.resolve("k8s/config.yaml")).path("data");
        assertEquals("oneshot_worker", config.path("ONESHOT_DB_USER").asText());
        assertEquals("false", config.path("ONESHOT_DB_MIGRATE").asText());
    }

    @Test
    void theImageRunsAsNonRootAndStartsTheWorker() throws IOException {
        String docker = Files.readString(DEPLOY.resolve("Dockerfile"));
        List<String> users = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(docker);
        while (m.find()) {
            users.add(m.group(1));
        }
        assertFalse(users.isEmpty(), "the runtime stage names a USER");
        assertFalse(users.get(users.size() - 1).equals("root") || users.get(users.size() - 1).equals("0"));
        assertTrue(docker.contains("oneshot-worker-all.jar"), "copies the shaded jar the build makes");
        assertTrue(docker.contains("-Dai.djl.offline=true"));
        // the memory settings of docs/benchmarks.md, as the ./oneshot launcher sets them
        assertTrue(docker.contains("ENV MALLOC_MMAP_THRESHOLD_=1048576"), "malloc returns freed tensors");
        assertTrue(docker.contains("\"-XX:+UseSerialGC\", \"-Xmn32m\""), "a small heap");
        assertTrue(docker.matches("(?s).*FROM [^\\n]+ AS build.*FROM [^\\n]+.*"), "multi-stage");
        assertTrue(docker.trim().endsWith("CMD [\"worker\"]") && docker.contains("AS worker\n"),
                "the CPU image is the last stage, what a build without --target makes");
    }

    /**
     * The CUDA image: the jar without the CPU libtorch (the cuda profile), DJL's cu128 libtorch fetched once at
     * build time by {@code engine}, and a worker that starts offline.
     */
    @Test
    void theCudaImageFetchesItsLibtorchAtBuildTimeAndRunsOffline() throws IOException {
        String docker = Files.readString(DEPLOY.resolve("Dockerfile"));
        int from = docker.indexOf(" AS worker-cuda\n");
        assertTrue(from > 0, "a worker-cuda target");
        String cuda = docker.substring(from, docker.indexOf("\nFROM ", from));
        assertTrue(docker.contains("-Pcuda -pl worker"), "the build makes the cuda profile's jar");
        assertTrue(cuda.contains("oneshot-worker-cuda.jar") && !cuda.contains("oneshot-worker-all.jar"), cuda);
        assertTrue(cuda.contains("PYTORCH_FLAVOR=cu128") && cuda.contains("DJL_CACHE_DIR="), cuda);
        assertTrue(cuda.matches("(?s).*RUN java -Dai.djl.offline=false -jar \\S+ engine.*"), cuda);
        assertTrue(cuda.matches("(?s).*ENTRYPOINT \\[\"java\", [^\\n]*\"-Dai.djl.offline=true\".*"), cuda);
        assertTrue(cuda.matches("(?s).*\\nUSER oneshot\\n.*"), "non-root");
        String pom = Files.readString(Path.of("pom.xml"));
        int profile = pom.indexOf("<id>cuda</id>");
        assertTrue(profile > 0 && pom.indexOf("<exclude>ai.djl.pytorch:pytorch-native-cpu</exclude>", profile) > 0,
                "worker/pom.xml's cuda profile leaves the CPU libtorch out");
        JsonNode compose = YAML.readTree(DEPLOY.resolve("docker-compose.yml").toFile());
        assertEquals("worker-cuda", compose.path("services").path("worker-gpu").path("build").path("target").asText());
        assertEquals("worker", compose.path("services").path("worker-cpu").path("build").path("target").asText());
    }

    private static void check(String where, Set<String> set, Set<String> read) {
        for (String v : set) {
            assertTrue(read.contains(v), where + " sets " + v + ", which no code reads (reads: " + read + ")");
        }
        for (String v : REQUIRED) {
            assertTrue(set.contains(v), where + " lacks " + v);
        }
    }

    private static JsonNode one(Path file) throws IOException {
        try (YAMLParser p = new YAMLFactory().createParser(file.toFile())) {
            return YAML.readTree(p);
        }
    }

    /**
     * ONESHOT_* and TEMPORAL_* string literals in the main sources of every module in the worker jar (the dev jar's
     * embedded and devstack are not deployed).
     */
    static Set<String> variablesTheCodeReads() throws IOException {
        Set<String> out = new TreeSet<>();
        Pattern literal = Pattern.compile("\"((?:ONESHOT|TEMPORAL)_[A-Z0-9_]+)\"");
        for (String module : List.of("model", "db", "workflows", "activities", "worker")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = literal.matcher(Files.readString(f));
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }
}
