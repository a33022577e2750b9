package dev.trailrouter.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.EvalSymbol;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.Function;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.VariableTree;
import com.bertramlabs.plugins.hcl4j.symbols.HCLValue;
import com.bertramlabs.plugins.hcl4j.symbols.Symbol;
import org.junit.jupiter.api.Test;

/**
 * terraform/ checked without Terraform: every .tf file parsed with a real HCL2 parser (hcl4j), and the invariants the
 * modules promise asserted on the parsed blocks (see terraform/README.md).
 */
class TerraformModulesTest {

    static final Path TERRAFORM = Path.of("terraform");
    static final List<String> MODULES = List.of("s3-sns-sqs", "cloudwatch-sqs", "eventbridge-sqs");
    static final List<String> ALL_MODULES = List.of("s3-sns-sqs", "cloudwatch-sqs", "eventbridge-sqs", "reader-role",
            "encrypted-queue", "dedup-table", "intake-grants", "eventbridge-sns-https");
    /** The only action AWS lets be granted on nothing narrower than "*" here: LookupEvents has no resource-level permissions. */
    static final String LOOKUP_EVENTS = "cloudtrail:LookupEvents";

    /** All top-level blocks of a module, merged from its .tf files: type ("resource", "data", …) → … */
    static Map<String, Object> module(Path dir) throws Exception {
        return module(dir, HCLParser::new);
    }

    static Map<String, Object> module(Path dir, Supplier<HCLParser> parser) throws Exception {
        Map<String, Object> merged = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path tf : files.filter(f -> f.toString().endsWith(".tf")).sorted().toList()) {
                Map<String, Object> parsed;
                try {
                    parsed = parser.get().parse(tf.toFile(), "UTF-8");
                } catch (Exception e) {
                    throw new AssertionError(tf + " is not valid HCL2: " + e.getMessage(), e);
                }
                deepMerge(merged, parsed);
            }
        }
        return merged;
    }

    @SuppressWarnings("unchecked")
    private static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((k, v) -> {
            Object existing = into.get(k);
            if (existing instanceof Map && v instanceof Map) {
                deepMerge((Map<String, Object>) existing, (Map<String, Object>) v);
            } else {
                into.put(k, v);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    /** Repeated blocks (statement, condition, …) come as a list; a single one as a map. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> blocks(Object o) {
        if (o instanceof List<?> list) {
            List<Map<String, Object>> out = new ArrayList<>();
            list.forEach(e -> out.add(map(e)));
            return out;
        }
        return o instanceof Map ? List.of((Map<String, Object>) o) : List.of();
    }

    /** A policy document's statements: its statement blocks and the content of its dynamic "statement" blocks. */
    static List<Map<String, Object>> statements(Map<String, Object> document) {
        List<Map<String, Object>> all = new ArrayList<>(blocks(document.get("statement")));
        for (Map<String, Object> dynamic : blocks(document.get("dynamic"))) {
            for (Map<String, Object> statement : blocks(dynamic.get("statement"))) {
                all.addAll(blocks(statement.get("content")));
            }
        }
        return all;
    }

    static Map<String, Object> resources(Map<String, Object> module, String type) {
        return map(map(module.get("resource")).get(type));
    }

    static Map<String, Object> dataSources(Map<String, Object> module, String type) {
        return map(map(module.get("data")).get(type));
    }

    static String text(Object o) {
        return String.valueOf(o);
    }

    /** A string literal without the quotes the unevaluated parser renders around some of them. */
    static String plain(Object o) {
        String t = text(o);
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    @Test
    void everyFileParsesAndEveryModuleHasTheStandardLayout() throws Exception {
        for (String name : ALL_MODULES) {
            Path dir = TERRAFORM.resolve("modules").resolve(name);
            for (String file : List.of("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")) {
                assertTrue(Files.isRegularFile(dir.resolve(file)), dir + " lacks " + file);
            }
            Map<String, Object> module = module(dir);
            assertFalse(map(module.get("resource")).isEmpty(), name + " declares resources");
            for (Map<String, Object> v : map(module.get("variable")).values().stream().map(TerraformModulesTest::map).toList()) {
                assertNotNull(v.get("description"), name + ": every variable is documented");
            }
        }
        try (Stream<Path> examples = Files.list(TERRAFORM.resolve("examples"))) {
            for (Path example : examples.toList()) {
                module(example);
                assertTrue(Files.isRegularFile(example.resolve("var.auto.tfvars.example")), example + " lacks var.auto.tfvars.example");
            }
        }
    }

    @Test
    void everyModuleOutputsWhatTrailrouterNeeds() throws Exception {
        for (String name : MODULES) {
            Map<String, Object> outputs = map(module(TERRAFORM.resolve("modules").resolve(name)).get("output"));
            for (String output : List.of("queue_url", "role_arn", "external_id")) {
                assertTrue(outputs.containsKey(output), name + " outputs " + output);
            }
            assertEquals(true, map(outputs.get("external_id")).get("sensitive"), name + ": the external ID output is sensitive");
        }
    }

    @Test
    void everyQueueIsEncryptedHasARedrivePolicyAndADlqThatKeepsMessagesLonger() throws Exception {
        Map<String, Object> shared = module(TERRAFORM.resolve("modules/encrypted-queue"));
        Map<String, Object> queues = resources(shared, "aws_sqs_queue");
        assertEquals(List.of("dlq", "queue"), queues.keySet().stream().sorted().toList());
        queues.forEach((id, body) -> assertTrue(text(map(body).get("kms_master_key_id")).contains("aws_kms_key.queue"),
                id + " is KMS-encrypted"));
        Map<String, Object> queue = map(queues.get("queue"));
        assertTrue(text(queue.get("redrive_policy")).contains("deadLetterTargetArn"), "the queue has a redrive policy");
        assertTrue(text(queue.get("redrive_policy")).contains("aws_sqs_queue.dlq"), "to its own DLQ");
        long queueRetention = number(shared, queue.get("message_retention_seconds"));
        long dlqRetention = number(shared, map(queues.get("dlq")).get("message_retention_seconds"));
        assertTrue(dlqRetention > queueRetention, "DLQ " + dlqRetention + " s > queue " + queueRetention + " s");
        assertEquals(4L, number(shared, "var.max_receive_count"), "maxReceiveCount 4 by default");

        Map<String, List<String>> principals = Map.of(
                "s3-sns-sqs", List.of("s3.amazonaws.com", "sns.amazonaws.com"),
                "eventbridge-sqs", List.of("events.amazonaws.com"),
                "cloudwatch-sqs", List.of());
        for (String name : MODULES) {
            Map<String, Object> module = module(TERRAFORM.resolve("modules").resolve(name));
            assertTrue(resources(module, "aws_sqs_queue").isEmpty(), name + " creates its queues through encrypted-queue");
            Map<String, Object> call = map(map(module.get("module")).get("queue"));
            assertEquals("../encrypted-queue", call.get("source"), name);
            assertEquals(principals.get(name), list(call.get("service_principals")).stream().map(TerraformModulesTest::text).toList(),
                    name + ": only the services that deliver to it may use the key");
        }
    }

    /** A number attribute: a literal, or a variable reference resolved to its default. */
    static long number(Map<String, Object> module, Object value) {
        String v = text(value).replace("${", "").replace("}", "").trim();
        if (v.startsWith("var.")) {
            return number(module, map(map(module.get("variable")).get(v.substring(4))).get("default"));
        }
        return Math.round(Double.parseDouble(v));
    }

    @Test
    void dynamicStatementsAreReadToo() throws Exception {
        Map<String, Object> role = module(TERRAFORM.resolve("modules/reader-role"));
        List<Object> actions = new ArrayList<>();
        statements(map(dataSources(role, "aws_iam_policy_document").get("trailrouter")))
                .forEach(st -> actions.addAll(list(st.get("actions"))));
        assertTrue(actions.stream().map(TerraformModulesTest::text).anyMatch("s3:GetObject"::equals),
                "the S3 read sits in a dynamic block; the star check must see it: " + actions);
    }

    @Test
    void everyKeyRotatesAndKeyPoliciesAreTheOnlyPlaceForStar() throws Exception {
        for (String name : ALL_MODULES) {
            Map<String, Object> module = module(TERRAFORM.resolve("modules").resolve(name));
            resources(module, "aws_kms_key").forEach((id, key) ->
                    assertEquals(true, map(key).get("enable_key_rotation"), name + ".aws_kms_key." + id + " rotates"));
            dataSources(module, "aws_iam_policy_document").forEach((id, document) -> {
                boolean keyPolicy = id.equals("key");
                for (Map<String, Object> statement : statements(map(document))) {
                    for (Object action : list(statement.get("actions"))) {
                        if (text(action).equals("*") || (text(action).endsWith(":*") && !keyPolicy)) {
                            fail(name + ": policy " + id + " grants " + action);
                        }
                    }
                    boolean lookupEventsOnly = list(statement.get("actions")).stream().map(TerraformModulesTest::text)
                            .toList().equals(List.of(LOOKUP_EVENTS));
                    for (Object resource : list(statement.get("resources"))) {
                        if (text(resource).equals("*") && !keyPolicy && !lookupEventsOnly) {
                            fail(name + ": policy " + id + " names resource * for " + statement.get("actions"));
                        }
                    }
                }
            });
        }
    }

    @Test
    void trailrouterRoleRequiresTheExternalIdAndHasLeastPrivilege() throws Exception {
        Map<String, Object> role = module(TERRAFORM.resolve("modules/reader-role"));
        Map<String, Object> trust = map(dataSources(role, "aws_iam_policy_document").get("trust"));
        List<Map<String, Object>> statements = blocks(trust.get("statement"));
        assertEquals(1, statements.size());
        Map<String, Object> condition = blocks(statements.get(0).get("condition")).get(0);
        assertEquals("sts:ExternalId", condition.get("variable"), "the trust policy checks the external ID");
        assertEquals("StringEquals", condition.get("test"));
        assertTrue(text(map(resources(role, "aws_iam_role").get("trailrouter")).get("assume_role_policy")).contains("trust"),
                "the role uses that trust policy");
        Map<String, Object> policy = map(dataSources(role, "aws_iam_policy_document").get("trailrouter"));
        List<String> actions = new ArrayList<>();
        blocks(policy.get("statement")).forEach(st -> list(st.get("actions")).forEach(a -> actions.add(text(a))));
        assertTrue(actions.containsAll(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes", "kms:Decrypt")), actions.toString());
        assertTrue(actions.stream().allMatch(a -> a.startsWith("sqs:") || a.startsWith("kms:")),
                "only queue and key actions, besides the S3 read below: " + actions);
        assertTrue(text(map(role.get("data")).get("aws_iam_policy_document")).contains("s3:GetObject"), "the optional S3 read");

        for (String name : MODULES) {
            Map<String, Object> reader = map(map(module(TERRAFORM.resolve("modules").resolve(name)).get("module")).get("reader"));
            assertEquals("../reader-role", reader.get("source"), name + " uses the shared reader role");
            assertTrue(text(reader.get("external_id")).contains("external_id"), name);
            assertTrue(text(reader.get("queue_arn")).contains("module.queue.queue_arn"), name + ": the role reads this module's queue");
            assertTrue(text(reader.get("dlq_arn")).contains("module.queue.dlq_arn"), name);
            assertTrue(text(reader.get("key_arn")).contains("module.queue.key_arn"), name);
        }
    }

    /**
     * Issue 13: the push path's module. Read unevaluated (references and jsonencode stay as written), so each assertion
     * names what the plan would hold: the topic and the DLQ under the module's key, only the rules publishing, the
     * key usable by EventBridge and SNS, an HTTPS subscription that keeps the signed envelope, with a delivery policy
     * and a redrive policy to the DLQ only the topic may write to, and the default patterns.
     */
    @Test
    void eventBridgeSnsHttpsModuleLetsOnlyItsRulesPublishAndRedrivesToAnEncryptedDlq() throws Exception {
        Path dir = TERRAFORM.resolve("modules/eventbridge-sns-https");
        Map<String, Object> module = module(dir, UnevaluatedParser::new);
        Map<String, Object> topic = map(resources(module, "aws_sns_topic").get("events"));
        assertEquals("aws_kms_key.key.arn", text(topic.get("kms_master_key_id")), "the topic is encrypted with the module's key");
        Map<String, Object> dlq = map(resources(module, "aws_sqs_queue").get("dlq"));
        assertEquals("aws_kms_key.key.arn", text(dlq.get("kms_master_key_id")), "the DLQ too");

        Map<String, Object> policies = dataSources(module, "aws_iam_policy_document");
        List<Map<String, Object>> publishing = statements(map(policies.get("topic"))).stream()
                .filter(st -> list(st.get("actions")).stream().map(TerraformModulesTest::text)
                        .anyMatch(a -> a.contains("sns:Publish") || a.contains("sns:*")))
                .toList();
        assertEquals(1, publishing.size(), "one statement lets anyone publish: " + publishing);
        Map<String, Object> publish = publishing.get(0);
        assertEquals(List.of("events.amazonaws.com"), list(blocks(publish.get("principals")).get(0).get("identifiers"))
                .stream().map(TerraformModulesTest::plain).toList());
        Map<String, Object> sourceArn = blocks(publish.get("condition")).get(0);
        assertEquals("ArnEquals", plain(sourceArn.get("test")));
        assertEquals("aws:SourceArn", plain(sourceArn.get("variable")));
        assertTrue(text(sourceArn.get("values")).contains("aws_cloudwatch_event_rule.events"), "only this module's rules: " + sourceArn);
        assertEquals("data.aws_iam_policy_document.topic.json", text(map(resources(module, "aws_sns_topic_policy").get("events")).get("policy")));

        boolean eventsUseTheKey = statements(map(policies.get("key"))).stream().anyMatch(st ->
                text(blocks(st.get("principals")).get(0).get("identifiers")).contains("events.amazonaws.com")
                        && text(st.get("actions")).contains("kms:GenerateDataKey") && text(st.get("actions")).contains("kms:Decrypt"));
        assertTrue(eventsUseTheKey, "EventBridge may encrypt to the topic with the key");

        Map<String, Object> dlqWriter = statements(map(policies.get("dlq"))).get(0);
        assertEquals(List.of("sqs:SendMessage"), list(dlqWriter.get("actions")).stream().map(TerraformModulesTest::plain).toList());
        assertTrue(text(blocks(dlqWriter.get("principals")).get(0).get("identifiers")).contains("sns.amazonaws.com"));
        assertTrue(text(blocks(dlqWriter.get("condition")).get(0).get("values")).contains("aws_sns_topic.events.arn"),
                "only the topic dead-letters into it");

        Map<String, Object> subscription = map(resources(module, "aws_sns_topic_subscription").get("push"));
        assertEquals("https", plain(subscription.get("protocol")));
        assertEquals("false", text(subscription.get("raw_message_delivery")), "the signed envelope is kept");
        assertTrue(text(subscription.get("redrive_policy")).contains("aws_sqs_queue.dlq.arn"), text(subscription.get("redrive_policy")));
        assertTrue(text(subscription.get("delivery_policy")).contains("local.delivery_policy"));
        String locals = text(module.get("locals"));
        for (String part : List.of("healthyRetryPolicy", "numRetries", "backoffFunction", "exponential",
                "AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", "readOnly",
                "aws.securityhub", "aws.guardduty", "var.event_patterns")) {
            assertTrue(locals.contains(part), "locals hold " + part);
        }
        String endpoint = text(map(map(module.get("variable")).get("endpoint_url")).get("validation"));
        assertTrue(endpoint.contains("^https://"), "the endpoint must be HTTPS: " + endpoint);
        assertTrue(map(module.get("output")).containsKey("topic_arn"), "the topic ARN to allow-list");
    }

    @Test
    void s3ModuleNotifiesOnlyFromTheTrailBucketAndGrantsDecryptAdditively() throws Exception {
        Map<String, Object> module = module(TERRAFORM.resolve("modules/s3-sns-sqs"));
        Map<String, Object> notification = map(resources(module, "aws_s3_bucket_notification").get("trail"));
        Map<String, Object> topic = blocks(notification.get("topic")).get(0);
        assertEquals(List.of("s3:ObjectCreated:*"), list(topic.get("events")));
        Map<String, Object> topicPolicy = map(dataSources(module, "aws_iam_policy_document").get("topic"));
        List<Object> variables = new ArrayList<>();
        blocks(blocks(topicPolicy.get("statement")).get(0).get("condition")).forEach(c -> variables.add(c.get("variable")));
        assertEquals(List.of("aws:SourceArn", "aws:SourceAccount"), variables, "only the bucket, only this account");
        Map<String, Object> queuePolicy = map(dataSources(module, "aws_iam_policy_document").get("queue"));
        assertEquals("aws:SourceArn", blocks(blocks(queuePolicy.get("statement")).get(0).get("condition")).get(0).get("variable"),
                "only the topic sends");
        assertEquals(List.of("Decrypt"), list(map(resources(module, "aws_kms_grant").get("trail_bucket")).get("operations")),
                "a grant, not a key policy change");
        List<String> objects = list(map(map(module.get("module")).get("reader")).get("s3_object_arns")).stream()
                .map(TerraformModulesTest::text).toList();
        assertEquals(1, objects.size());
        assertTrue(objects.get(0).endsWith("/AWSLogs/*"), "s3:GetObject on the trail's AWSLogs/ prefix only: " + objects);
    }

    @Test
    void cloudWatchModuleShipsItsFilterPatternAndForwarder() throws Exception {
        Path dir = TERRAFORM.resolve("modules/cloudwatch-sqs");
        assertTrue(Files.readString(dir.resolve("filter-pattern.txt")).contains("$.readOnly IS FALSE"));
        assertTrue(Files.isRegularFile(dir.resolve("lambda/forwarder.py")));
        Map<String, Object> module = module(dir);
        assertTrue(resources(module, "aws_cloudwatch_log_subscription_filter").containsKey("trail"));
        assertEquals("forwarder.handler", map(resources(module, "aws_lambda_function").get("forwarder")).get("handler"));
    }

    /**
     * hcl4j evaluates expressions (var.x becomes its default, functions it does not know become null), which would hide
     * what a validation condition checks. This parser keeps hcl4j's parse but renders each expression back from its
     * syntax tree instead: {@code try(var.x >= 0 && var.x <= 43200, false)} stays that text. The conditions are written
     * as one call (try(…) or can(…)) so that the whole condition is one expression here; a top-level {@code a || b}
     * would still be combined by hcl4j's evaluator.
     */
    static final class UnevaluatedParser extends HCLParser {
        @Override
        protected Object processEvaluation(EvalSymbol expression, Object context, Map<String, Object> scope) {
            return render(expression);
        }

        static String render(Symbol symbol) {
            if (symbol instanceof HCLValue value) {
                return "string".equals(value.type) ? "\"" + value.value + "\"" : String.valueOf(value.value);
            }
            String name = symbol.getName() == null ? "" : symbol.getName().trim();
            if (symbol instanceof VariableTree) {
                return name;
            }
            List<String> children = new ArrayList<>();
            if (symbol.getChildren() != null) {
                symbol.getChildren().forEach(child -> children.add(render(child)));
            }
            return symbol instanceof Function
                    ? name + "(" + String.join(" ", children) + ")"
                    : (name + " " + String.join(" ", children)).trim();
        }
    }

    /** Issue 15 item 5: the SQS limits each numeric queue variable is held to: [lower, upper]. */
    static final Map<String, List<Long>> SQS_BOUNDS = Map.of(
            "visibility_timeout_seconds", List.of(0L, 43200L),
            "max_receive_count", List.of(1L, 1000L),
            "message_retention_seconds", List.of(60L, 1209600L),
            "dlq_message_retention_seconds", List.of(60L, 1209600L));

    /** The service an ARN variable's pattern must name, by variable name. */
    static String arnService(String variable) {
        if (variable.equals("trusted_principal_arns")) {
            return ":iam::";
        }
        if (variable.endsWith("kms_key_arn") || variable.equals("key_arn")) { // before *bucket_arn: trail_bucket_kms_key_arn
            return ":kms:";
        }
        if (variable.endsWith("topic_arn")) {
            return ":sns:";
        }
        if (variable.equals("queue_arn") || variable.equals("dlq_arn")) {
            return ":sqs:";
        }
        if (variable.startsWith("s3_") || variable.endsWith("bucket_arn")) {
            return ":s3:::";
        }
        if (variable.equals("role_arn")) {
            return ":iam::";
        }
        if (variable.startsWith("log_group_")) {
            return ":logs:";
        }
        if (variable.endsWith("table_arn")) {
            return ":dynamodb:";
        }
        return ":";
    }

    @Test
    void queueLimitsArnsAndExternalIdsAreValidatedInEveryModule() throws Exception {
        Set<String> checkedNames = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(TERRAFORM.resolve("modules"))) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String module = dir.getFileName().toString();
                Map<String, Object> variables = map(module(dir, UnevaluatedParser::new).get("variable"));
                variables.forEach((name, body) -> {
                    boolean bounded = SQS_BOUNDS.containsKey(name);
                    boolean arn = name.endsWith("_arn") || name.endsWith("_arns");
                    boolean externalId = name.equals("external_id");
                    if (!bounded && !arn && !externalId) {
                        return;
                    }
                    checkedNames.add(name);
                    String where = module + ": variable " + name;
                    List<Map<String, Object>> validations = blocks(map(body).get("validation"));
                    if (validations.isEmpty()) {
                        problems.add(where + " has no validation block");
                        return;
                    }
                    String condition = validations.stream().map(v -> text(v.get("condition"))).collect(Collectors.joining(" ; "));
                    for (Map<String, Object> validation : validations) {
                        String message = text(validation.get("error_message"));
                        if (!message.matches("(?s)[A-Z].*[.?]")) {
                            problems.add(where + ": error_message must be a sentence (capital first, period last): " + message);
                        }
                    }
                    List<String> required = new ArrayList<>(List.of("var." + name));
                    if (bounded) {
                        required.add(">= " + SQS_BOUNDS.get(name).get(0));
                        required.add("<= " + SQS_BOUNDS.get(name).get(1));
                    }
                    if (arn) {
                        required.addAll(List.of("regex(", "\"^arn:aws", arnService(name)));
                    }
                    if (externalId) {
                        required.addAll(List.of(">= 2", "<= 1224", "regex(", "A-Za-z0-9_+=,.@:/-"));
                    }
                    boolean optionalString = "".equals(map(body).get("default"));
                    if ((arn || externalId) && optionalString) {
                        required.add("var." + name + " == \"\"");
                    }
                    for (String part : required) {
                        if (!condition.contains(part)) {
                            problems.add(where + ": the condition lacks '" + part + "': " + condition);
                        }
                    }
                    if ((arn || externalId) && !map(body).containsKey("default") && condition.contains("== \"\"")) {
                        problems.add(where + " is required, yet its condition accepts an empty value: " + condition);
                    }
                });
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(checkedNames.containsAll(List.of("visibility_timeout_seconds", "max_receive_count", "message_retention_seconds",
                "dlq_message_retention_seconds", "external_id", "trusted_principal_arns", "queue_arn", "dlq_arn", "key_arn",
                "s3_object_arns", "trail_bucket_kms_key_arn", "existing_topic_arn")), "every variable of issue 15 item 5 was seen: " + checkedNames);
        assertTrue(checkedNames.containsAll(List.of("role_arn", "log_group_arns", "trail_bucket_arn", "trail_kms_key_arn",
                "dedup_table_arn", "kms_key_arn")), "and those of issue 12 item 6: " + checkedNames);
    }

    @Test
    void everyExamplePinsTheModulesVersionsAndHasAReadme() throws Exception {
        Map<String, Object> moduleTerraform = map(module(TERRAFORM.resolve("modules/encrypted-queue")).get("terraform"));
        Object requiredVersion = moduleTerraform.get("required_version");
        Object awsVersion = map(map(moduleTerraform.get("required_providers")).get("aws")).get("version");
        assertNotNull(requiredVersion);
        assertNotNull(awsVersion);
        try (Stream<Path> examples = Files.list(TERRAFORM.resolve("examples"))) {
            List<Path> dirs = examples.filter(Files::isDirectory).sorted().toList();
            assertFalse(dirs.isEmpty());
            for (Path example : dirs) {
                assertTrue(Files.isRegularFile(example.resolve("versions.tf")), example + " lacks versions.tf");
                assertTrue(Files.isRegularFile(example.resolve("README.md")), example + " lacks README.md");
                Map<String, Object> terraform = map(module(example).get("terraform"));
                assertEquals(requiredVersion, terraform.get("required_version"), example + ": the modules' required_version");
                Map<String, Object> aws = map(map(terraform.get("required_providers")).get("aws"));
                assertEquals("hashicorp/aws", aws.get("source"), example.toString());
                assertEquals(awsVersion, aws.get("version"), example + ": the modules' aws provider constraint");
                String readme = Files.readString(example.resolve("README.md"));
                for (String part : List.of("var.auto.tfvars.example", "terraform init", "terraform apply", "TRAILROUTER_QUEUE")) {
                    assertTrue(readme.contains(part), example + "/README.md mentions " + part);
                }
            }
        }
    }

    // --- issue 12 item 6: the dedup table and the grants of the pollers, the backfill and dedup ---------------------

    @Test
    void dedupTableHasTheSchemaDedupWritesTtlOnExpiresAtEncryptionAndDeletionProtectionByDefault() throws Exception {
        Map<String, Object> module = module(TERRAFORM.resolve("modules/dedup-table"));
        Map<String, Map<String, Object>> tables = new LinkedHashMap<>();
        resources(module, "aws_dynamodb_table").forEach((id, body) -> tables.put(id, map(body)));
        assertEquals(Set.of("dedup"), tables.keySet());
        Map<String, Object> table = tables.get("dedup");
        assertEquals("pk", table.get("hash_key"), "the key dedup writes");
        assertFalse(table.containsKey("range_key"), "no sort key: dedup only asks whether one item is there");
        List<Map<String, Object>> attributes = blocks(table.get("attribute"));
        assertEquals(List.of(Map.of("name", "pk", "type", "S")), attributes, "one declared attribute: the string hash key");
        assertEquals("PAY_PER_REQUEST", table.get("billing_mode"), "on demand");
        Map<String, Object> ttl = blocks(table.get("ttl")).get(0);
        assertEquals("expires_at", ttl.get("attribute_name"), "the TTL attribute dedup writes");
        assertEquals(true, ttl.get("enabled"));
        Map<String, Object> sse = blocks(table.get("server_side_encryption")).get(0);
        assertEquals(true, sse.get("enabled"), "encrypted with a KMS key (aws/dynamodb or the one given)");
        Map<String, Object> raw = module(TERRAFORM.resolve("modules/dedup-table"), UnevaluatedParser::new);
        Map<String, Object> rawTable = map(resources(raw, "aws_dynamodb_table").get("dedup"));
        assertTrue(text(blocks(rawTable.get("server_side_encryption")).get(0).get("kms_key_arn")).contains("var.kms_key_arn"),
                "the optional customer-managed key");
        assertEquals("var.point_in_time_recovery", text(blocks(rawTable.get("point_in_time_recovery")).get(0).get("enabled")));
        assertEquals("var.deletion_protection", text(rawTable.get("deletion_protection_enabled")));
        Map<String, Object> variables = map(module.get("variable"));
        assertEquals(true, map(variables.get("deletion_protection")).get("default"), "deletion protection on by default");
        assertEquals(false, map(variables.get("point_in_time_recovery")).get("default"), "PITR optional");
        assertFalse(blocks(map(variables.get("name")).get("validation")).isEmpty(), "the table name is validated");
        Map<String, Object> outputs = map(raw.get("output"));
        assertEquals("aws_dynamodb_table.dedup.name", text(map(outputs.get("table_name")).get("value")));
        assertEquals("aws_dynamodb_table.dedup.arn", text(map(outputs.get("table_arn")).get("value")));
    }

    /** The grants' statements as written (expressions unevaluated), by sid. */
    static Map<String, Map<String, Object>> grantStatements() throws Exception {
        Map<String, Object> module = module(TERRAFORM.resolve("modules/intake-grants"), UnevaluatedParser::new);
        Map<String, Map<String, Object>> bySid = new LinkedHashMap<>();
        for (Map<String, Object> statement : statements(map(dataSources(module, "aws_iam_policy_document").get("grants")))) {
            bySid.put(text(statement.get("sid")), statement);
        }
        return bySid;
    }

    static List<String> texts(Object o) {
        return list(o).stream().map(TerraformModulesTest::text).toList();
    }

    @Test
    void intakeGrantsGiveExactlyTheCallsThePollersTheBackfillAndDedupMakeEachOnlyWhenAsked() throws Exception {
        Map<String, Map<String, Object>> statements = grantStatements();
        assertEquals(List.of("PollCloudTrailLookupEvents", "PollLogGroups", "BackfillListsTheTrailPrefixes",
                "BackfillReadsTheTrailLogs", "BackfillDecryptsTheTrailLogs", "DedupTable"), List.copyOf(statements.keySet()));

        Map<String, Object> dedup = statements.get("DedupTable");
        assertEquals(Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
                "dynamodb:DescribeTable"), new TreeSet<>(texts(dedup.get("actions"))), "exactly the five dedup calls");
        assertEquals(5, texts(dedup.get("actions")).size());
        assertEquals(List.of("var.dedup_table_arn"), texts(dedup.get("resources")), "on the table only");

        Map<String, Object> lookup = statements.get("PollCloudTrailLookupEvents");
        assertEquals(List.of(LOOKUP_EVENTS), texts(lookup.get("actions")));
        assertEquals(List.of("*"), texts(lookup.get("resources")), "AWS requires * for LookupEvents");

        Map<String, Object> logs = statements.get("PollLogGroups");
        assertEquals(List.of("logs:FilterLogEvents"), texts(logs.get("actions")));
        assertTrue(text(logs.get("resources")).contains("var.log_group_arns"), "on the given log groups: " + logs.get("resources"));

        Map<String, Object> list = statements.get("BackfillListsTheTrailPrefixes");
        assertEquals(List.of("s3:ListBucket"), texts(list.get("actions")));
        assertEquals(List.of("var.trail_bucket_arn"), texts(list.get("resources")));
        Map<String, Object> prefix = blocks(list.get("condition")).get(0);
        assertEquals("s3:prefix", text(prefix.get("variable")), "listing is limited to the backfill's prefixes");
        assertEquals("StringLike", text(prefix.get("test")));
        assertTrue(text(prefix.get("values")).contains("var.backfill_prefixes"));

        Map<String, Object> read = statements.get("BackfillReadsTheTrailLogs");
        assertEquals(List.of("s3:GetObject"), texts(read.get("actions")));
        assertTrue(text(read.get("resources")).contains("var.trail_bucket_arn") && text(read.get("resources")).contains("prefix"),
                "objects under the prefixes only: " + read.get("resources"));

        Map<String, Object> decrypt = statements.get("BackfillDecryptsTheTrailLogs");
        assertEquals(List.of("kms:Decrypt"), texts(decrypt.get("actions")));
        assertEquals(List.of("var.trail_kms_key_arn"), texts(decrypt.get("resources")));
        assertEquals("kms:ViaService", text(blocks(decrypt.get("condition")).get(0).get("variable")), "through S3 only");

        // each grant only when its input asks for it. hcl4j evaluates a for_each's conditional (to [1.0]), so its
        // text is read from the file: sid → the for_each of the dynamic block around it
        String main = Files.readString(TERRAFORM.resolve("modules/intake-grants/main.tf"));
        Map<String, String> switches = new LinkedHashMap<>();
        java.util.regex.Matcher block = java.util.regex.Pattern.compile(
                "dynamic \"statement\" \\{\\s*for_each\\s*=\\s*(.+?)\\n\\s*content \\{\\s*sid\\s*=\\s*\"(\\w+)\"").matcher(main);
        while (block.find()) {
            switches.put(block.group(2), block.group(1));
        }
        assertEquals(statements.keySet(), switches.keySet(), "every grant is a dynamic block: " + switches);
        Map<String, List<String>> inputs = Map.of(
                "PollCloudTrailLookupEvents", List.of("var.lookup_events"),
                "PollLogGroups", List.of("var.log_group_arns"),
                "BackfillListsTheTrailPrefixes", List.of("var.trail_bucket_arn"),
                "BackfillReadsTheTrailLogs", List.of("var.trail_bucket_arn"),
                "BackfillDecryptsTheTrailLogs", List.of("var.trail_bucket_arn", "var.trail_kms_key_arn"),
                "DedupTable", List.of("var.dedup_table_arn"));
        inputs.forEach((sid, needed) -> needed.forEach(input ->
                assertTrue(switches.get(sid).contains(input), sid + " is granted only when " + input + " asks: " + switches.get(sid))));
        Map<String, Object> variables = map(module(TERRAFORM.resolve("modules/intake-grants")).get("variable"));
        assertEquals(false, map(variables.get("lookup_events")).get("default"), "nothing is granted unless asked");
        assertEquals(List.of(), map(variables.get("log_group_arns")).get("default"));
        assertEquals("", map(variables.get("dedup_table_arn")).get("default"));
        assertEquals("", map(variables.get("trail_bucket_arn")).get("default"));
    }

    @Test
    void nothingButLookupEventsIsGrantedOnStarAndTheExampleWiresTheTableToTheGrants() throws Exception {
        for (Map.Entry<String, Map<String, Object>> statement : grantStatements().entrySet()) {
            if (texts(statement.getValue().get("resources")).contains("*")) {
                assertEquals("PollCloudTrailLookupEvents", statement.getKey());
            }
            for (String action : texts(statement.getValue().get("actions"))) {
                assertFalse(action.contains("*"), statement.getKey() + " grants " + action);
            }
        }
        Map<String, Object> example = map(module(TERRAFORM.resolve("examples/live-backfill-dedup"), UnevaluatedParser::new).get("module"));
        assertEquals("../../modules/dedup-table", text(map(example.get("dedup")).get("source")));
        Map<String, Object> grants = map(example.get("grants"));
        assertEquals("../../modules/intake-grants", text(grants.get("source")));
        assertEquals("module.dedup.table_arn", text(grants.get("dedup_table_arn")), "the grants name the table the example creates");
        assertEquals("module.trailrouter.role_arn", text(grants.get("role_arn")), "on the role that reads the queue");
    }

    static Collection<?> list(Object o) {
        return o instanceof Collection<?> c ? c : o == null ? List.of() : List.of(o);
    }
}
