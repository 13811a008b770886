package io.herald.graphql; final class Placeholder {}
