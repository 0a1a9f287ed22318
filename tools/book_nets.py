"""The seven networks of the "modern CNNs" chapter of Dive into Deep Learning, in PyTorch,
as the book's PyTorch edition builds them: the outside oracle netc's specs are held to
(shapes, parameter counts, MACs, forward outputs, gradients, training recipes and speed).

Module nesting, attribute names and construction order follow the book's code, because
tools match tensors by execution order and state-dict keys by name, and because seeded
initialisation depends on the order in which layers are created.

NETS[name] = Recipe(build, size, lr, epochs, batch, demo_size): the constructor, the
image size the chapter trains at, its learning rate, epochs and batch, and the size the
chapter uses to print layer shapes.

Parameter counts (sum of p.numel(), batchnorm affine included) and MACs per image at the
training size (conv = Cout*Hout*Wout*(Cin/groups)*kh*kw, linear = out*in; bias and every
other op not counted):

    alexnet @224              46,764,746     938,146,176
    vgg11 @224 (ratio 1)     128,806,154   7,547,232,256
    vgg11 @224 (ratio 4)      43,093,322     512,155,648   (the one the chapter trains)
    nin @224                   1,992,166     762,297,352
    googlenet @96              5,977,530     276,066,304
    lenet_bn @28                  44,878         281,640
    resnet18 @96              11,178,378     318,657,536   (1,734,890,496 @224)
    densenet @96                 758,226     129,077,168
"""
from collections import namedtuple

import torch
from torch import nn
from torch.nn import functional as F

Recipe = namedtuple("Recipe", "build size lr epochs batch demo_size")


def alexnet():
    # Fashion-MNIST has one channel; the chapter's AlexNet otherwise follows the 2012 paper.
    return nn.Sequential(
        nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2), nn.Flatten(),
        nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, 10))


def vgg_block(convs, c_in, c_out):
    """convs 3x3 convolutions with ReLU, then a 2x2 max pool that halves the size."""
    layers = []
    for _ in range(convs):
        layers += [nn.Conv2d(c_in, c_out, kernel_size=3, padding=1), nn.ReLU()]
        c_in = c_out
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(ratio=1):
    """VGG-11; ratio divides every block's width (the chapter trains ratio 4)."""
    stages = [(n, c // ratio) for n, c in ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))]
    blocks, c_in = [], 1
    for n, c in stages:
        blocks.append(vgg_block(n, c_in, c))
        c_in = c
    return nn.Sequential(*blocks, nn.Flatten(),
                         nn.Linear(c_in * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(4096, 10))


def nin_block(c_in, c_out, k, stride, pad):
    """One k x k convolution followed by two 1x1 convolutions, each with ReLU."""
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, stride, pad), nn.ReLU(),
                         nn.Conv2d(c_out, c_out, kernel_size=1), nn.ReLU(),
                         nn.Conv2d(c_out, c_out, kernel_size=1), nn.ReLU())


def nin():
    return nn.Sequential(
        nin_block(1, 96, 11, 4, 0), nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, 5, 1, 2), nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, 3, 1, 1), nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5), nin_block(384, 10, 3, 1, 1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


class Inception(nn.Module):
    """Four paths concatenated on channels: 1x1; 1x1 then 3x3; 1x1 then 5x5; 3x3 max pool then 1x1."""

    def __init__(self, c_in, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2d(c_in, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(c_in, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(c_in, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(c_in, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


def googlenet():
    pool = lambda: nn.MaxPool2d(kernel_size=3, stride=2, padding=1)  # noqa: E731
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.ReLU(), pool())
    b2 = nn.Sequential(nn.Conv2d(64, 64, kernel_size=1), nn.ReLU(),
                       nn.Conv2d(64, 192, kernel_size=3, padding=1), nn.ReLU(), pool())
    b3 = nn.Sequential(Inception(192, 64, (96, 128), (16, 32), 32),
                       Inception(256, 128, (128, 192), (32, 96), 64), pool())
    b4 = nn.Sequential(Inception(480, 192, (96, 208), (16, 48), 64),
                       Inception(512, 160, (112, 224), (24, 64), 64),
                       Inception(512, 128, (128, 256), (24, 64), 64),
                       Inception(512, 112, (144, 288), (32, 64), 64),
                       Inception(528, 256, (160, 320), (32, 128), 128), pool())
    b5 = nn.Sequential(Inception(832, 256, (160, 320), (32, 128), 128),
                       Inception(832, 384, (192, 384), (48, 128), 128),
                       nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))


def lenet_bn():
    """LeNet-5 with batch normalization after every convolution and hidden linear layer."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10))


class Residual(nn.Module):
    """Two 3x3 conv + batchnorm, added to the input (through a strided 1x1 conv when asked)."""

    def __init__(self, c_in, c, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(c, c, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(c_in, c, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.BatchNorm2d(c)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.conv3:
            x = self.conv3(x)
        y += x
        return F.relu(y)


def resnet_stage(c_in, c, blocks, first_stage=False):
    """blocks residual units; every stage but the first halves the size in its first unit."""
    units = []
    for i in range(blocks):
        if i == 0 and not first_stage:
            units.append(Residual(c_in, c, use_1x1conv=True, strides=2))
        else:
            units.append(Residual(c, c))
    return units


def stem():
    """7x7/2 conv, batchnorm, ReLU, 3x3/2 max pool: the entry of ResNet and DenseNet."""
    return nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.BatchNorm2d(64),
                         nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2, padding=1))


def resnet18():
    return nn.Sequential(stem(),
                         nn.Sequential(*resnet_stage(64, 64, 2, first_stage=True)),
                         nn.Sequential(*resnet_stage(64, 128, 2)),
                         nn.Sequential(*resnet_stage(128, 256, 2)),
                         nn.Sequential(*resnet_stage(256, 512, 2)),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))


def dense_unit(c_in, c):
    """Pre-activation: batchnorm, ReLU, 3x3 conv producing c (the growth rate) channels."""
    return nn.Sequential(nn.BatchNorm2d(c_in), nn.ReLU(), nn.Conv2d(c_in, c, kernel_size=3, padding=1))


class DenseBlock(nn.Module):
    """Each unit's output is concatenated onto everything before it."""

    def __init__(self, units, c_in, c):
        super().__init__()
        self.net = nn.Sequential(*[dense_unit(c * i + c_in, c) for i in range(units)])

    def forward(self, x):
        for unit in self.net:
            x = torch.cat((x, unit(x)), dim=1)
        return x


def transition(c_in, c):
    """Batchnorm, ReLU, 1x1 conv to c channels, 2x2 average pool."""
    return nn.Sequential(nn.BatchNorm2d(c_in), nn.ReLU(), nn.Conv2d(c_in, c, kernel_size=1),
                         nn.AvgPool2d(kernel_size=2, stride=2))


def densenet():
    c, growth = 64, 32
    units = [4, 4, 4, 4]
    blocks = []
    for i, n in enumerate(units):
        blocks.append(DenseBlock(n, c, growth))
        c += n * growth
        if i != len(units) - 1:
            blocks.append(transition(c, c // 2))
            c //= 2
    return nn.Sequential(stem(), *blocks, nn.BatchNorm2d(c), nn.ReLU(),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(c, 10))


# The chapter's recipe for each net.
NETS = {
    "alexnet": Recipe(alexnet, 224, 0.01, 10, 128, 224),
    "vgg11": Recipe(lambda: vgg(1), 224, 0.05, 10, 128, 224),
    "vgg11_small": Recipe(lambda: vgg(4), 224, 0.05, 10, 128, 224),
    "nin": Recipe(nin, 224, 0.1, 10, 128, 224),
    "googlenet": Recipe(googlenet, 96, 0.1, 10, 128, 96),
    "lenet_bn": Recipe(lenet_bn, 28, 1.0, 10, 256, 28),
    "resnet18": Recipe(resnet18, 96, 0.05, 10, 256, 224),
    "densenet": Recipe(densenet, 96, 0.1, 10, 256, 96),
}
