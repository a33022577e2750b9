package dev.trailrouter.config;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * An SDK interceptor on every SQS client {@link AwsClients} builds: it tells a queue's listener which messages each
 * successful ReceiveMessage on that queue returned, whoever called it (the aws2-sqs consumer). Runs on the calling
 * thread, before the caller sees the response.
 */
final class SqsReceiveHooks implements ExecutionInterceptor {

    private final Map<String, Consumer<List<Message>>> listeners = new ConcurrentHashMap<>();

    void register(String queueUrl, Consumer<List<Message>> listener) {
        listeners.put(queueUrl, listener);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof ReceiveMessageRequest request
                && context.response() instanceof ReceiveMessageResponse response && response.hasMessages()) {
            Consumer<List<Message>> listener = listeners.get(request.queueUrl());
            if (listener != null) {
                listener.accept(response.messages());
            }
        }
    }
}
