package dev.trailrouter;

/**
 * What to tell an operator when trailrouter refuses to start: the message of our own configuration check if there is
 * one in the cause chain (it names the file, destination, parameter, queue or key), else the root cause.
 */
final class StartupProblem {

    private StartupProblem() {
    }

    /** One line per problem: the destination files may have several. */
    static java.util.List<String> describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof dev.trailrouter.deliver.DestinationFiles.ConfigurationProblems problems) {
                return problems.problems();
            }
        }
        return java.util.List.of(one(failure));
    }

    private static String one(Throwable failure) {
        Throwable ours = null;
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if ((t instanceof IllegalArgumentException || t instanceof IllegalStateException) && thrownByUs(t)) {
                ours = ours == null ? t : ours; // the outermost of ours carries the file and the destination
            }
            root = t;
        }
        Throwable shown = ours != null ? ours : root;
        return ours != null ? shown.getMessage() : shown.getClass().getSimpleName() + ": " + shown.getMessage();
    }

    private static boolean thrownByUs(Throwable t) {
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().startsWith("dev.trailrouter.");
    }
}
