package dev.trailrouter.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm chart {@code docker/helm/trailrouter}, rendered by the real Helm (helm-java embeds Helm's Go code as a
 * native library; no cluster, no {@code helm} binary needed) and every rendered manifest validated against the
 * Kubernetes v1.22.0 API schemas and KEDA v2.20.2's CRD schemas ({@link KubernetesSchemas}; sources in
 * {@code src/test/resources/helm/schemas/README.md}). Nothing here talks to a cluster: what an API server, the
 * kubelet or KEDA would do beyond the schemas is not shown (docs/operations.md, "Kubernetes", says what is not).
 */
class HelmChartTest {

    private static final Path CHART = Path.of("docker/helm/trailrouter");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KubernetesSchemas schemas;

    @BeforeAll
    static void loadSchemas() {
        schemas = new KubernetesSchemas();
    }

    @Test
    void helmLintStrictFindsNothing() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertFalse(lint.isFailed(), () -> "helm lint --strict: " + lint.getMessages());
    }

    @Test
    void defaultValuesRenderValidManifests() {
        List<JsonNode> docs = render(t -> { });
        assertEquals(new TreeSet<>(List.of("apps/v1/Deployment", "policy/v1/PodDisruptionBudget", "v1/Service",
                "v1/ServiceAccount")), kinds(docs));
        assertValid(docs);

        JsonNode pod = one(docs, "Deployment").path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        // the probes on the management paths, by the port's name
        assertEquals("/observe/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/observe/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/observe/health/live", container.at("/startupProbe/httpGet/path").asText());
        assertEquals("management", container.at("/readinessProbe/httpGet/port").asText());
        assertEquals(9876, container.at("/ports/0/containerPort").asInt());
        // the stop budget: SIGKILL 30 s after SIGTERM, Camel's shutdown timeout 5 s before that
        assertEquals(30, pod.path("terminationGracePeriodSeconds").asInt());
        assertEquals("25", env(container).get("CAMEL_MAIN_SHUTDOWN_TIMEOUT"));
        // non-root, read-only root file system, with the state dir and /tmp writable
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
        assertEquals(10001, pod.at("/securityContext/runAsUser").asInt());
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
        assertEquals("ALL", container.at("/securityContext/capabilities/drop/0").asText());
        assertEquals(Map.of("state", "/opt/trailrouter/state", "tmp", "/tmp"), mounts(container));
        assertEquals("/opt/trailrouter/state", env(container).get("TRAILROUTER_STATE_DIR"));
        assertEquals("file", env(container).get("TRAILROUTER_STATE_STORE"));
        // one replica and no queue: nothing to scale, the image's own routes
        assertEquals(1, one(docs, "Deployment").at("/spec/replicas").asInt());
        assertFalse(env(container).containsKey("TRAILROUTER_ROUTES_DIR"));
        assertEquals(1, one(docs, "PodDisruptionBudget").at("/spec/maxUnavailable").asInt());
    }

    @Test
    void everyFeatureOnRendersValidManifests() {
        List<JsonNode> docs = render(t -> t.withValuesFile(resource("helm/values-all-features.yaml")));
        assertEquals(new TreeSet<>(List.of("apps/v1/Deployment", "keda.sh/v1alpha1/ScaledObject",
                "keda.sh/v1alpha1/TriggerAuthentication", "policy/v1/PodDisruptionBudget", "v1/ConfigMap",
                "v1/Secret", "v1/Service", "v1/ServiceAccount")), kinds(docs));
        assertValid(docs);

        JsonNode deployment = one(docs, "Deployment");
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.path("containers").get(0);
        Map<String, String> env = env(container);
        // KEDA owns the replica count
        assertTrue(deployment.at("/spec/replicas").isMissingNode());
        assertEquals("orgtrail,security-hub,replay", env.get("TRAILROUTER_QUEUES"));
        assertEquals("https://sqs.us-east-1.amazonaws.com/444455556666/securityhub-findings",
                env.get("TRAILROUTER_QUEUE_SECURITY_HUB_URL"));
        assertEquals("arn:aws:iam::444455556666:role/trailrouter-reader", env.get("TRAILROUTER_QUEUE_SECURITY_HUB_ROLE_ARN"));
        assertEquals("4", env.get("TRAILROUTER_QUEUE_ORGTRAIL_CONCURRENT_CONSUMERS"));
        assertEquals("true", env.get("TRAILROUTER_INTAKE_DROP_READ_ONLY"));
        assertEquals("30", env.get("TRAILROUTER_OBSERVE_SUMMARY_INTERVAL"));
        // several replicas share the DynamoDB store, in their own namespace
        assertEquals("dynamodb", env.get("TRAILROUTER_STATE_STORE"));
        assertEquals("trailrouter-prod", env.get("TRAILROUTER_STATE_NAMESPACE"));
        assertEquals("trailrouter-state", env.get("TRAILROUTER_STATE_DYNAMODB_TABLE"));
        // a longer grace period moves the shutdown timeout with it
        assertEquals(60, pod.path("terminationGracePeriodSeconds").asInt());
        assertEquals("55", env.get("CAMEL_MAIN_SHUTDOWN_TIMEOUT"));
        // route files one by one into the routes dir; secrets as read-only directories; no secret value in env
        assertEquals("/etc/trailrouter/routes", env.get("TRAILROUTER_ROUTES_DIR"));
        Map<String, String> mounts = mounts(container);
        assertEquals(List.of("/etc/trailrouter/routes/siem.yaml", "/etc/trailrouter/routes/slack.yaml"),
                subPathMounts(container));
        assertTrue(mounts.containsValue("/etc/trailrouter/secrets/siem-signing"), mounts::toString);
        assertTrue(mounts.containsValue("/etc/trailrouter/secrets/slack"), mounts::toString);
        for (JsonNode e : container.path("env")) {
            assertFalse(e.path("value").asText().contains("hooks.slack.example"), e::toString);
        }
        assertEquals("siem-endpoint", container.at("/env").findValue("secretKeyRef").path("name").asText());
        // the ConfigMap holds the files as given
        assertTrue(one(docs, "ConfigMap").at("/data/siem.yaml").asText().contains("routeTemplateRef: webhook"));
        // IRSA
        assertEquals("arn:aws:iam::111122223333:role/trailrouter",
                one(docs, "ServiceAccount").at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText());

        JsonNode scaled = one(docs, "ScaledObject");
        assertEquals(deployment.at("/metadata/name").asText(), scaled.at("/spec/scaleTargetRef/name").asText());
        assertEquals(1, scaled.at("/spec/minReplicaCount").asInt());
        assertEquals(8, scaled.at("/spec/maxReplicaCount").asInt());
        JsonNode triggers = scaled.at("/spec/triggers");
        assertEquals(2, triggers.size(), "the replay queue has scale: false");
        JsonNode hub = triggers.get(1);
        assertEquals("aws-sqs-queue", hub.path("type").asText());
        assertEquals("https://sqs.us-east-1.amazonaws.com/444455556666/securityhub-findings",
                hub.at("/metadata/queueURL").asText());
        // the region comes from the queue's URL, not from aws.region (eu-west-1)
        assertEquals("us-east-1", hub.at("/metadata/awsRegion").asText());
        assertEquals("40", hub.at("/metadata/queueLength").asText());
        assertEquals("5", hub.at("/metadata/activationQueueLength").asText());
        assertEquals("true", hub.at("/metadata/scaleOnInFlight").asText());
        String auth = one(docs, "TriggerAuthentication").at("/metadata/name").asText();
        assertEquals(auth, hub.at("/authenticationRef/name").asText());
        assertEquals("aws", one(docs, "TriggerAuthentication").at("/spec/podIdentity/provider").asText());
        assertEquals("arn:aws:iam::111122223333:role/keda-sqs-reader",
                one(docs, "TriggerAuthentication").at("/spec/podIdentity/roleArn").asText());
    }

    @Test
    void kedaAuthenticationModesRenderValidManifests() {
        Consumer<TemplateCommand> base = t -> t.withValuesFile(resource("helm/values-all-features.yaml"));

        List<JsonNode> workload = render(base.andThen(t -> t.set("keda.authentication.identityOwner", "workload")
                .set("keda.authentication.roleArn", "")));
        assertValid(workload);
        assertEquals("workload", one(workload, "TriggerAuthentication").at("/spec/podIdentity/identityOwner").asText());

        List<JsonNode> operator = render(base.andThen(t -> t.set("keda.authentication.mode", "operator")));
        assertValid(operator);
        assertFalse(kinds(operator).contains("keda.sh/v1alpha1/TriggerAuthentication"));
        JsonNode trigger = one(operator, "ScaledObject").at("/spec/triggers/0");
        assertEquals("operator", trigger.at("/metadata/identityOwner").asText());
        assertTrue(trigger.path("authenticationRef").isMissingNode());

        List<JsonNode> existing = render(base.andThen(t -> t.set("keda.authentication.mode", "existing")
                .set("keda.authentication.existingName", "aws-sqs")
                .set("keda.authentication.existingKind", "ClusterTriggerAuthentication")));
        assertValid(existing);
        assertEquals("ClusterTriggerAuthentication",
                one(existing, "ScaledObject").at("/spec/triggers/0/authenticationRef/kind").asText());

        // scale to zero: KEDA wakes the first replica when the backlog passes the activation length
        List<JsonNode> toZero = render(base.andThen(t -> t.set("keda.minReplicaCount", 0)));
        assertValid(toZero);
        assertEquals(0, one(toZero, "ScaledObject").at("/spec/minReplicaCount").asInt());
    }

    @Test
    void existingConfigMapAndServiceAccountAreUsedNotMade() {
        List<JsonNode> docs = render(t -> t.set("routes.existingConfigMap", "siem-routes")
                .set("routes.existingKeys[0]", "siem.yaml").set("serviceAccount.create", false)
                .set("serviceAccount.name", "security-tools").set("management.service.enabled", false)
                .set("podDisruptionBudget.enabled", false));
        assertEquals(new TreeSet<>(List.of("apps/v1/Deployment")), kinds(docs));
        assertValid(docs);
        JsonNode pod = one(docs, "Deployment").at("/spec/template/spec");
        assertEquals("security-tools", pod.path("serviceAccountName").asText());
        assertEquals("siem-routes", pod.at("/volumes/2/configMap/name").asText());
        assertEquals(List.of("/etc/trailrouter/routes/siem.yaml"), subPathMounts(pod.path("containers").get(0)));
    }

    /**
     * The same validator rejects broken manifests: each case breaks one field of a manifest the chart rendered
     * (valid before the change), the way a template mistake would, and names the field.
     */
    @Test
    void brokenManifestsAreRejected() {
        List<JsonNode> docs = render(t -> t.withValuesFile(resource("helm/values-all-features.yaml")));
        assertValid(docs);

        assertRejected(one(docs, "Deployment"), d -> ((ObjectNode) d.at("/spec")).put("replicas", "two"),
                "replicas");
        // a misspelt field is an error, not silently dropped (strict objects)
        assertRejected(one(docs, "Deployment"),
                d -> ((ObjectNode) d.at("/spec/template/spec/containers/0/livenessProbe/httpGet")).put("paht", "/x"),
                "paht");
        assertRejected(one(docs, "Deployment"),
                d -> ((ObjectNode) d.at("/spec/template/spec/containers/0/resources/limits")).put("memory", "1 GB"),
                "memory");
        assertRejected(one(docs, "Deployment"),
                d -> ((ObjectNode) d.at("/spec/template/spec/containers/0")).remove("name"), "name");
        assertRejected(one(docs, "PodDisruptionBudget"),
                d -> ((ObjectNode) d.at("/spec")).put("maxUnavailabe", 1), "maxUnavailabe");
        assertRejected(one(docs, "Service"),
                d -> ((ObjectNode) d.at("/spec/ports/0")).put("protocol", "HTTP"), "protocol");
        // KEDA: trigger metadata is a map of strings (an unquoted number in a template is the usual mistake)
        assertRejected(one(docs, "ScaledObject"),
                d -> ((ObjectNode) d.at("/spec/triggers/0/metadata")).put("queueLength", 40), "queueLength");
        assertRejected(one(docs, "ScaledObject"), d -> ((ObjectNode) d.at("/spec")).remove("scaleTargetRef"),
                "scaleTargetRef");
        assertRejected(one(docs, "ScaledObject"), d -> ((ArrayNode) d.at("/spec/triggers")).removeAll(),
                "triggers");
        assertRejected(one(docs, "ScaledObject"),
                d -> ((ObjectNode) d.at("/spec/triggers/0/authenticationRef")).put("kind", "Secret"), "kind");
        assertRejected(one(docs, "TriggerAuthentication"),
                d -> ((ObjectNode) d.at("/spec/podIdentity")).put("provider", "aws-irsa"), "provider");
        // a custom resource's metadata is held to ObjectMeta
        assertRejected(one(docs, "ScaledObject"), d -> ((ObjectNode) d.at("/metadata")).put("labels", "x"),
                "labels");
        // a kind there is no schema for is never waved through
        assertRejected(one(docs, "Service"), d -> ((ObjectNode) d).put("kind", "Ingress"), "no schema");
    }

    /**
     * Values of the wrong form are refused by the chart's values.schema.json before anything renders, a misspelt key
     * included (it would otherwise be ignored without a word).
     */
    @Test
    void valuesOfTheWrongFormAreRefused() {
        assertRenderFails(t -> t.set("replicaCont", 2), "additional properties 'replicaCont' not allowed");
        assertRenderFails(t -> t.set("keda.queueLenght", 20), "additional properties 'queueLenght' not allowed");
        assertRenderFails(t -> t.set("terminationGracePeriodSeconds", 5),
                "at '/terminationGracePeriodSeconds': minimum: got 5, want 10");
        assertRenderFails(t -> t.set("state.store", "redis"), "at '/state/store': 'redis' does not match pattern");
        assertRenderFails(t -> t.set("queues[0].name", "org trail").set("queues[0].url", "https://x"),
                "at '/queues/0/name': 'org trail' does not match pattern");
        assertRenderFails(t -> t.set("queues[0].name", "orgtrail"), "at '/queues/0': missing property 'url'");
        assertRenderFails(t -> t.set("serviceAccount.roleArn", "trailrouter-role"), "at '/serviceAccount/roleArn'");
        assertRenderFails(t -> t.set("keda.authentication.mode", "irsa"), "at '/keda/authentication/mode'");
    }

    /** Settings of the right form that cannot work together stop the render with one line saying why. */
    @Test
    void unworkableValuesStopTheRender() {
        assertRenderFails(t -> t.set("replicaCount", 2), "state.store: file keeps each pod's dedup history apart");
        assertRenderFails(t -> t.set("keda.enabled", true).set("state.store", "none"),
                "keda.enabled: KEDA scales on queue depth, but queues is empty");
        assertRenderFails(t -> t.withValuesFile(resource("helm/values-all-features.yaml"))
                .set("queues[0].scale", false).set("queues[1].scale", false), "KEDA would have no trigger");
        assertRenderFails(t -> t.set("state.store", "dynamodb"), "state.dynamodb.table: required");
        assertRenderFails(t -> t.set("queues[0].name", "a-b").set("queues[0].url", "https://x")
                .set("queues[1].name", "a_b").set("queues[1].url", "https://y"), "become the same variables");
        assertRenderFails(t -> t.set("routes.files.siem\\.yml", "[]"), "a route file's name ends in .yaml");
        assertRenderFails(t -> t.set("routes.existingConfigMap", "my-routes"), "routes.existingKeys: list the route files");
        assertRenderFails(t -> t.withValuesFile(resource("helm/values-all-features.yaml"))
                .set("keda.minReplicaCount", 9), "keda.minReplicaCount: greater than keda.maxReplicaCount");
        assertRenderFails(t -> t.withValuesFile(resource("helm/values-all-features.yaml"))
                .set("keda.authentication.identityOwner", "workload"), "keda.authentication.roleArn: only with");
        // a queue URL that names no region, and no aws.region: KEDA could not read it
        assertRenderFails(t -> t.withValuesFile(resource("helm/values-all-features.yaml")).set("aws.region", "")
                .set("queues[0].url", "https://sqs.internal.example/111122223333/q"), "KEDA needs the queue's region");
    }

    private static void assertRenderFails(Consumer<TemplateCommand> values, String expected) {
        Exception e = assertThrows(Exception.class, () -> render(values));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    private static void assertRejected(JsonNode valid, Consumer<JsonNode> breakIt, String expectedInMessage) {
        assertEquals(List.of(), schemas.problems(valid), "the manifest is valid before it is broken");
        JsonNode broken = valid.deepCopy();
        breakIt.accept(broken);
        List<String> problems = schemas.problems(broken);
        assertFalse(problems.isEmpty(), () -> "accepted a broken " + broken.path("kind").asText() + ": " + broken);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedInMessage)),
                () -> "no problem names '" + expectedInMessage + "': " + problems);
    }

    private static void assertValid(List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        docs.forEach(d -> problems.addAll(schemas.problems(d)));
        assertEquals(List.of(), problems);
    }

    private static List<JsonNode> render(Consumer<TemplateCommand> values) {
        TemplateCommand template = new Helm(CHART).template().withName("tr").withNamespace("security");
        values.accept(template);
        return KubernetesSchemas.documents(template.call());
    }

    private static TreeSet<String> kinds(List<JsonNode> docs) {
        return docs.stream().map(d -> d.path("apiVersion").asText() + "/" + d.path("kind").asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertEquals(1, found.size(), () -> "manifests of kind " + kind + ": " + found.size());
        return found.get(0);
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        return env;
    }

    /** Volume name → mount path, for the mounts of whole volumes (not subPath). */
    private static Map<String, String> mounts(JsonNode container) {
        Map<String, String> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> {
            if (!m.has("subPath")) {
                mounts.put(m.path("name").asText(), m.path("mountPath").asText());
            }
        });
        return mounts;
    }

    private static List<String> subPathMounts(JsonNode container) {
        List<String> paths = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> {
            if (m.has("subPath")) {
                assertTrue(m.path("readOnly").asBoolean(), m::toString);
                assertTrue(m.path("mountPath").asText().endsWith("/" + m.path("subPath").asText()), m::toString);
                paths.add(m.path("mountPath").asText());
            }
        });
        return paths;
    }

    private static Path resource(String name) {
        try {
            return Path.of(HelmChartTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
