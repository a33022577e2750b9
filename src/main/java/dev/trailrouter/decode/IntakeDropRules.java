package dev.trailrouter.decode;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.trailrouter.config.TrailRouterSettings;

/**
 * The drop rules of every intake, by the intake's name (what its units' {@link dev.trailrouter.ledger.DeliveryLedger}
 * calls {@code source()}): bound in the registry as {@value #BEAN}, read once at start-up so that a bad value stops
 * start-up with one line naming its key, never the first message that needs it.
 *
 * <p>The defaults are {@code trailrouter.intake.drop-…} and {@code trailrouter.intake.s3-key-…}; each SQS queue's
 * {@code trailrouter.queue.<name>.…} keys override them key by key. An intake that is not a queue (a poller, the
 * backfill) calls {@link #define} with its own key prefix when it is configured, before its first unit; one that does
 * not gets the defaults. Every decode stage applies them through {@code direct:events} ({@link EventStage}) and
 * {@code decode-s3-object}, so an intake that hands its events or its object refs to those routes needs nothing else.
 */
public final class IntakeDropRules {

    public static final String BEAN = "intakeDropRules";
    public static final String DEFAULT_PREFIX = "trailrouter.intake.";

    private final TrailRouterSettings settings;
    private final DropRules defaults;
    private final Map<String, DropRules> byIntake = new ConcurrentHashMap<>();

    /**
     * Reads and checks the defaults and the rules of each of these queues.
     *
     * @throws IllegalArgumentException one line naming the key whose value is wrong
     */
    public IntakeDropRules(TrailRouterSettings settings, Collection<String> queueNames) {
        this.settings = settings;
        this.defaults = DropRules.read(settings, DEFAULT_PREFIX, DropRules.NONE);
        for (String queue : queueNames) {
            define(queue, "trailrouter.queue." + queue + ".");
        }
    }

    /**
     * Reads (and checks) the rules of an intake whose keys live under {@code keyPrefix}, e.g.
     * {@code define("mgmt-eu", "trailrouter.poller.mgmt-eu.")}; keys not set there take the defaults. Call it when the
     * intake is configured, so a bad value stops start-up.
     *
     * @throws IllegalArgumentException one line naming the key whose value is wrong
     */
    public DropRules define(String intake, String keyPrefix) {
        DropRules rules = DropRules.read(settings, keyPrefix, defaults);
        byIntake.put(intake, rules);
        return rules;
    }

    /** The rules of this intake: its own if it was defined, else the defaults ({@code trailrouter.intake.…}). */
    public DropRules of(String intake) {
        return intake == null ? defaults : byIntake.getOrDefault(intake, defaults);
    }

    public DropRules defaults() {
        return defaults;
    }

    /** Every intake defined so far, by name. */
    public Map<String, DropRules> defined() {
        return new java.util.TreeMap<>(byIntake);
    }
}
